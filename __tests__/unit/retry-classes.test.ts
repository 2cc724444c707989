import { describe, expect, it } from '@jest/globals'
import { TimeoutError } from '../../src/transport/http.js'
import {
  backoffMs,
  isNetworkFailure,
  isUnavailable,
  mayHaveReachedServer,
  parseRetryOn
} from '../../src/transport/retry-classes.js'

function failure(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code })
}

describe('parseRetryOn', () => {
  it('always retries 429 and adds what is listed', () => {
    expect(parseRetryOn('')).toEqual({ unavailable: false, network: false })
    expect(parseRetryOn(' 429 ,, unavailable  network ')).toEqual({
      unavailable: true,
      network: true
    })
  })

  it('names the first word it does not know', () => {
    expect(parseRetryOn('unavailable, 5xx, later')).toEqual({ unknown: '5xx' })
  })
})

describe('isUnavailable', () => {
  it('is 502, 503 and 504 only', () => {
    const statuses = [400, 404, 429, 500, 501, 502, 503, 504, 505]
    expect(statuses.filter(isUnavailable)).toEqual([502, 503, 504])
  })
})

describe('isNetworkFailure and mayHaveReachedServer', () => {
  const tls = 'Client network socket disconnected before secure TLS connection was established'
  it.each([
    ['refused', true, false, failure('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')],
    ['no such host', true, false, failure('getaddrinfo ENOTFOUND fo.invalid', 'ENOTFOUND')],
    ['DNS try again', true, false, failure('getaddrinfo EAI_AGAIN fo', 'EAI_AGAIN')],
    ['TLS handshake broken off', true, false, failure(tls, 'ECONNRESET')],
    ['reset after sending', true, true, failure('socket hang up', 'ECONNRESET')],
    ['read reset', true, true, failure('read ECONNRESET', 'ECONNRESET')],
    ['broken pipe', true, true, failure('write EPIPE', 'EPIPE')],
    ['timeout-sec', true, true, new TimeoutError(1000)],
    ['aborted body', true, true, failure('aborted')],
    [
      'untrusted certificate',
      false,
      false,
      failure('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    ],
    [
      'wrong host name',
      false,
      false,
      failure('Hostname/IP does not match', 'ERR_TLS_CERT_ALTNAME_INVALID')
    ],
    [
      'a refused redirect',
      false,
      true,
      failure('refused the redirect (HTTP 302) from https to http://x')
    ]
  ])('%s: network %s, may have reached the server %s', (_, network, reached, error) => {
    expect(isNetworkFailure(error)).toBe(network)
    expect(mayHaveReachedServer(error)).toBe(reached)
  })
})

describe('backoffMs', () => {
  it('waits exactly 1 s before the first retry', () => {
    expect(backoffMs(1, () => 0)).toBe(1000)
    expect(backoffMs(1, () => 0.999)).toBe(1000)
  })

  it('doubles its ceiling with every retry, up to 60 s, never below 1 s', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 30, 1000].map(retry =>
      backoffMs(retry, () => 0.9999999)
    )
    expect(ceilings).toEqual([1000, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999, 59999])
    for (const retry of [1, 2, 5, 10, 100]) expect(backoffMs(retry, () => 0)).toBe(1000)
  })

  it('spreads its waits over the whole range (full jitter)', () => {
    expect(backoffMs(4, () => 0.5)).toBe(1000 + 3500)
  })
})
