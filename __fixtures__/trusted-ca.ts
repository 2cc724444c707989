import { afterAll, beforeAll } from '@jest/globals'
import tls from 'node:tls'

/**
 * Trusts `caPem` in this process, as NODE_EXTRA_CA_CERTS makes a spawned step trust the
 * simulator's CA (Node reads that variable only when it starts, too late for a test): every TLS
 * connection opened without its own `ca` accepts the public roots and this CA. Verification stays
 * on, so a certificate the CA did not issue, or one for another name, is still refused.
 *
 * @returns A function that restores Node's own default.
 */
export function trustInProcess(caPem: string): () => void {
  const original = tls.createSecureContext
  const roots = [...tls.rootCertificates, caPem]
  tls.createSecureContext = options =>
    original(options?.ca === undefined ? { ...options, ca: roots } : options)
  return () => {
    tls.createSecureContext = original
  }
}

/** trustInProcess for one test file: from beforeAll (once `caPem()` is known) to afterAll. */
export function useTrustedCa(caPem: () => string): void {
  let restore: (() => void) | undefined
  beforeAll(() => {
    restore = trustInProcess(caPem())
  })
  afterAll(() => {
    restore?.()
  })
}
