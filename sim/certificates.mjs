// @ts-check
/**
 * Key material: the CA + TLS server certificate, the GitHub OIDC and Entra ID signing keys, and
 * certificate helpers. Generation is cached per process (RSA key generation is slow).
 * @module
 */
import { X509Certificate, createHash, generateKeyPair } from 'node:crypto'
import { promisify } from 'node:util'
import selfsigned from 'selfsigned'

const generateKeyPairAsync = promisify(generateKeyPair)

/**
 * @typedef {object} TlsMaterial
 * @property {string} caPem
 * @property {string} certPem server certificate, issued by the CA
 * @property {string} keyPem server private key (PKCS#8)
 */

/**
 * @typedef {object} SigningKey
 * @property {import('node:crypto').KeyObject} privateKey
 * @property {import('node:crypto').KeyObject} publicKey
 * @property {string} kid
 * @property {Record<string, unknown>} jwk public JWK (with kid, use, alg)
 */

/** @typedef {import('./index.mjs').ClientCertificate} ClientCertificate */

/**
 * @typedef {object} CertificateInfo
 * @property {X509Certificate} x509
 * @property {Buffer} der
 * @property {string} x5t base64url SHA-1 of the DER
 * @property {string} x5tS256 base64url SHA-256 of the DER
 */

const DayMs = 24 * 60 * 60 * 1000

/** @type {Promise<import('./index.d.mts').KeyAndCertificate> | undefined} */
let caPromise
/** @type {Map<string, Promise<TlsMaterial>>} */
const serverCache = new Map()
/** @type {Map<string, Promise<SigningKey>>} */
const signingKeys = new Map()

/**
 * Drops a cached promise when it rejects, so the next call retries.
 * @template T
 * @param {Promise<T>} promise
 * @param {() => void} forget
 * @returns {Promise<T>}
 */
function forgetOnFailure(promise, forget) {
  promise.catch(forget)
  return promise
}

/** @returns {Promise<{ privateKey: string, publicKey: string }>} an RSA-2048 key pair as PEM */
function generateRsaPemKeyPair() {
  return generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
}

/**
 * A certificate and its private key: self-signed, or issued by `issuer`. The one generator of
 * every certificate the simulator and the tests use.
 * @param {import('./index.d.mts').CertificateRequest} request
 * @returns {Promise<import('./index.d.mts').KeyAndCertificate>}
 */
export async function issueCertificate(request) {
  const ec = request.keyType === 'ec'
  const pems = await selfsigned.generate([{ name: 'commonName', value: request.commonName }], {
    // EC keys: a certificate in milliseconds where RSA takes a second.
    ...(ec ? { keyType: /** @type {const} */ ('ec') } : { keySize: 2048 }),
    ...(request.keyPair ? { keyPair: request.keyPair } : {}),
    ...(request.issuer ? { ca: request.issuer } : {}),
    algorithm: 'sha256',
    notBeforeDate: request.notBefore ?? new Date(Date.now() - DayMs),
    notAfterDate: request.notAfter ?? new Date(Date.now() + 365 * DayMs),
    ...extensionsFor(request, ec)
  })
  return { key: pems.private, cert: pems.cert }
}

/**
 * What the certificate is for: a CA, a TLS server for `altNames`, a client (an app's credential);
 * none of these leaves selfsigned's defaults.
 * @param {import('./index.d.mts').CertificateRequest} request
 * @param {boolean} ec
 */
function extensionsFor(request, ec) {
  if (request.authority) {
    return {
      extensions: [
        { name: /** @type {const} */ ('basicConstraints'), cA: true, critical: true },
        {
          name: /** @type {const} */ ('keyUsage'),
          keyCertSign: true,
          cRLSign: true,
          digitalSignature: true,
          critical: true
        }
      ]
    }
  }
  if (request.altNames) {
    return {
      extensions: [
        { name: /** @type {const} */ ('basicConstraints'), cA: false, critical: true },
        {
          name: /** @type {const} */ ('keyUsage'),
          digitalSignature: true,
          // An EC key signs the handshake; only an RSA key may also encipher.
          keyEncipherment: !ec,
          critical: true
        },
        { name: /** @type {const} */ ('extKeyUsage'), serverAuth: true },
        {
          name: /** @type {const} */ ('subjectAltName'),
          altNames: request.altNames.map(name =>
            'ip' in name
              ? { type: /** @type {const} */ (7), ip: name.ip }
              : { type: /** @type {const} */ (2), value: name.dns }
          )
        }
      ]
    }
  }
  if (request.clientAuth) {
    return {
      extensions: [
        { name: /** @type {const} */ ('basicConstraints'), cA: false },
        { name: /** @type {const} */ ('keyUsage'), digitalSignature: true, critical: true },
        { name: /** @type {const} */ ('extKeyUsage'), clientAuth: true }
      ]
    }
  }
  return {}
}

/** @returns {Promise<import('./index.d.mts').KeyAndCertificate>} the simulator's CA */
function getCa() {
  caPromise ??= forgetOnFailure(
    issueCertificate({ commonName: 'D365 F&O Simulator Test CA', authority: true }),
    () => (caPromise = undefined)
  )
  return caPromise
}

/**
 * The CA and a server certificate for 127.0.0.1, localhost and the given host names.
 * @param {string[]} hostnames extra DNS names
 * @returns {Promise<TlsMaterial>}
 */
export function getTlsMaterial(hostnames) {
  const names = [...new Set(['localhost', ...hostnames.map(h => h.toLowerCase())])].sort()
  const cacheKey = names.join(',')
  let material = serverCache.get(cacheKey)
  if (!material) {
    material = forgetOnFailure(
      // The server key is generated while the CA is (both on the thread pool).
      Promise.all([getCa(), generateRsaPemKeyPair()]).then(async ([ca, keyPair]) => {
        const server = await issueCertificate({
          commonName: '127.0.0.1',
          keyPair,
          issuer: ca,
          altNames: [{ ip: '127.0.0.1' }, ...names.map(dns => ({ dns }))],
          notAfter: new Date(Date.now() + 364 * DayMs)
        })
        return { caPem: ca.cert, certPem: server.cert, keyPem: server.key }
      }),
      () => serverCache.delete(cacheKey)
    )
    serverCache.set(cacheKey, material)
  }
  return material
}

/**
 * The RSA key the GitHub OIDC emulation signs its tokens with.
 * @returns {Promise<SigningKey>}
 */
export function getOidcSigningKey() {
  return signingKey('oidc')
}

/**
 * The RSA key Entra ID signs its access tokens with: one per process, shared by every tenant
 * and every simulator, as Entra's keys are shared by every tenant of a cloud.
 * @returns {Promise<SigningKey>}
 */
export function getEntraSigningKey() {
  return signingKey('entra')
}

/**
 * @param {string} purpose
 * @returns {Promise<SigningKey>}
 */
function signingKey(purpose) {
  let key = signingKeys.get(purpose)
  if (!key) {
    key = forgetOnFailure(
      generateKeyPairAsync('rsa', { modulusLength: 2048 }).then(({ privateKey, publicKey }) => {
        const jwk = publicKey.export({ format: 'jwk' })
        const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 27)
        return {
          privateKey,
          publicKey,
          kid,
          jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' }
        }
      }),
      () => signingKeys.delete(purpose)
    )
    signingKeys.set(purpose, key)
  }
  return key
}

/**
 * Parses the first certificate of a PEM text.
 * @param {string} pem
 * @returns {CertificateInfo}
 * @throws {Error} when the text holds no certificate
 */
export function certificateInfo(pem) {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)
  if (!match) throw new Error('No PEM certificate found')
  const x509 = new X509Certificate(match[0])
  const der = x509.raw
  return {
    x509,
    der,
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url')
  }
}

/**
 * Generates a self-signed RSA certificate for an app registration (certificate credential).
 * Not cached: each call makes a new key.
 * @param {{ commonName?: string, notBeforeDate?: Date, notAfterDate?: Date }} [options]
 * @returns {Promise<ClientCertificate>}
 */
export async function createClientCertificate(options = {}) {
  const pems = await issueCertificate({
    commonName: options.commonName ?? 'd365fo-sim-client',
    clientAuth: true,
    notBefore: options.notBeforeDate,
    notAfter: options.notAfterDate
  })
  const der = new X509Certificate(pems.cert).raw
  return {
    certificatePem: pems.cert,
    privateKeyPem: pems.key,
    pem: `${pems.key.trimEnd()}\n${pems.cert.trimEnd()}\n`,
    thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase()
  }
}
