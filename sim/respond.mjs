// @ts-check
/**
 * Small helpers to write HTTP answers.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'

export const JsonContentType = 'application/json; charset=utf-8'

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value serialised with JSON.stringify
 * @param {Record<string, string | number | string[]>} [headers]
 */
export function sendJson(res, status, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value), 'utf8')
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'Content-Type': JsonContentType,
    'Content-Length': body.length,
    ...headers
  })
  res.end(body)
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {Record<string, string | number | string[]>} [headers]
 */
export function sendEmpty(res, status, headers = {}) {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, { 'Content-Length': 0, ...headers })
  res.end()
}

/** @returns {string} a random GUID */
export function newGuid() {
  return randomUUID()
}

/**
 * @param {number} byteCount
 * @returns {string} byteCount random bytes as base64url
 */
export function randomBase64Url(byteCount) {
  return randomBytes(byteCount).toString('base64url')
}

/**
 * Splits a Content-Type header value.
 * @param {string | undefined} contentType
 * @returns {{ mediaType: string, charset: string | undefined }}
 */
export function parseContentType(contentType) {
  if (!contentType) return { mediaType: '', charset: undefined }
  const [mediaType, ...params] = contentType.split(';')
  let charset
  for (const param of params) {
    const eq = param.indexOf('=')
    if (eq < 0) continue
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue
    charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
  }
  return { mediaType: mediaType.trim().toLowerCase(), charset }
}
