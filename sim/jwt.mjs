// @ts-check
/**
 * Minimal JWS compact serialisation (RS256, PS256) on node:crypto.
 * @module
 */
import { constants, sign, verify } from 'node:crypto'

/** @typedef {Record<string, unknown>} JsonObject */

/** @typedef {import('./index.mjs').DecodedJwt} DecodedJwt */

export const SupportedAlgorithms = ['RS256', 'PS256']

/**
 * @param {unknown} value
 * @returns {string}
 */
function encodeJson(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}

/**
 * @param {string} alg
 * @param {import('node:crypto').KeyObject} key
 */
function keyOptions(alg, key) {
  if (alg === 'PS256') {
    return {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST
    }
  }
  if (alg === 'RS256') return { key, padding: constants.RSA_PKCS1_PADDING }
  throw new Error(`Unsupported JWT algorithm '${alg}'`)
}

/**
 * Signs a JWT; header.alg (RS256 default, or PS256) selects the algorithm.
 * @param {JsonObject} header
 * @param {JsonObject} payload
 * @param {import('node:crypto').KeyObject} privateKey
 * @returns {string}
 */
export function signJwt(header, payload, privateKey) {
  const fullHeader = { alg: 'RS256', typ: 'JWT', ...header }
  const alg = String(fullHeader.alg)
  const signingInput = `${encodeJson(fullHeader)}.${encodeJson(payload)}`
  const signature = sign('sha256', Buffer.from(signingInput), keyOptions(alg, privateKey))
  return `${signingInput}.${signature.toString('base64url')}`
}

/**
 * Parses a compact JWT without verifying it.
 * @param {string} token
 * @returns {DecodedJwt}
 * @throws {Error} when the token is malformed
 */
export function decodeJwt(token) {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some(p => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new Error('JWT is not in compact serialisation')
  }
  /** @param {string} part */
  const parse = part => {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('JWT segment is not a JSON object')
    }
    return /** @type {JsonObject} */ (value)
  }
  return {
    header: parse(parts[0]),
    payload: parse(parts[1]),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url')
  }
}

/**
 * Checks the signature of a decoded JWT with a public key (alg from its header).
 * @param {DecodedJwt} jwt
 * @param {import('node:crypto').KeyObject} publicKey
 * @returns {boolean}
 */
export function verifyJwtSignature(jwt, publicKey) {
  const alg = String(jwt.header.alg)
  if (!SupportedAlgorithms.includes(alg) || publicKey.asymmetricKeyType !== 'rsa') return false
  const options =
    alg === 'PS256'
      ? {
          key: publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_AUTO
        }
      : keyOptions(alg, publicKey)
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), options, jwt.signature)
  } catch {
    return false
  }
}
