import { describe, expect, it } from '@jest/globals'
import {
  createTokenSource,
  givenTokenWarning,
  jwtExpiryMs,
  RenewBeforeMs,
  type AccessToken
} from '../../src/sign-in/token-source.js'

const Now = 1_750_000_000_000
const Minute = 60_000

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ typ: 'JWT', alg: 'RS256' })}.${part(payload)}.c2lnbmF0dXJl`
}

describe('createTokenSource', () => {
  function source(first: AccessToken, renewals: AccessToken[]) {
    let clock = Now
    const lines: string[] = []
    let renewed = 0
    const tokens = createTokenSource(
      first,
      async () => {
        renewed++
        const next = renewals.shift()
        if (!next) throw new Error('no more tokens')
        return next
      },
      { now: () => clock, info: line => lines.push(line) }
    )
    return {
      tokens,
      lines,
      renewed: () => renewed,
      advance(ms: number) {
        clock += ms
      }
    }
  }

  it('hands out the first token while it has more than 5 minutes left', async () => {
    const s = source({ token: 'one', expiresAtMs: Now + 60 * Minute }, [])
    await expect(s.tokens.current()).resolves.toBe('one')
    s.advance(55 * Minute - 1)
    await expect(s.tokens.current()).resolves.toBe('one')
    expect(s.renewed()).toBe(0)
  })

  it('signs in again once the token comes within 5 minutes of expiry, then uses the new one', async () => {
    const s = source({ token: 'one', expiresAtMs: Now + 60 * Minute }, [
      { token: 'two', expiresAtMs: Now + 120 * Minute }
    ])
    s.advance(60 * Minute - RenewBeforeMs)
    await expect(s.tokens.current()).resolves.toBe('two')
    await expect(s.tokens.current()).resolves.toBe('two')
    expect(s.renewed()).toBe(1)
    expect(s.lines).toEqual(['The token expires in 300 s: signing in again'])
  })

  it('says when the token has already expired', async () => {
    const s = source({ token: 'one', expiresAtMs: Now }, [{ token: 'two', expiresAtMs: undefined }])
    s.advance(1)
    await expect(s.tokens.current()).resolves.toBe('two')
    expect(s.lines).toEqual(['The token has expired: signing in again'])
  })

  it('renews once for requests that ask at the same time (many calls in flight)', async () => {
    const s = source({ token: 'one', expiresAtMs: Now + Minute }, [
      { token: 'two', expiresAtMs: Now + 120 * Minute },
      { token: 'three', expiresAtMs: Now + 180 * Minute }
    ])
    s.advance(Minute / 2)
    const all = await Promise.all(Array.from({ length: 8 }, () => s.tokens.current()))
    expect(all).toEqual(Array(8).fill('two'))
    expect(s.renewed()).toBe(1)
    expect(s.lines).toHaveLength(1)
  })

  it('renews a short-lived token at most once per half its lifetime, not before every request', async () => {
    // 120-s tokens: 5 minutes before expiry is before one was even issued. Renewal n arrives
    // at n minutes, when the token before it has half its lifetime left, and lives 120 s.
    const lifetime = 2 * Minute
    const s = source(
      { token: 'one', expiresAtMs: Now + lifetime },
      Array.from({ length: 10 }, (_, n) => ({
        token: `renewal-${n + 1}`,
        expiresAtMs: Now + (n + 1) * Minute + lifetime
      }))
    )
    // 40 requests over 4 minutes, 6 s apart.
    const used: string[] = []
    for (let request = 0; request < 40; request++) {
      used.push(await s.tokens.current())
      s.advance(6000)
    }
    expect(s.renewed()).toBe(3)
    expect(used.indexOf('renewal-1')).toBe(10)
    expect(used.indexOf('renewal-2')).toBe(20)
    expect(used.indexOf('renewal-3')).toBe(30)
    expect(s.lines).toEqual(Array(3).fill('The token expires in 60 s: signing in again'))
  })

  it('tries again after a renewal that failed', async () => {
    const s = source({ token: 'one', expiresAtMs: Now }, [])
    await expect(Promise.all([s.tokens.current(), s.tokens.current()])).rejects.toThrow(
      'no more tokens'
    )
    expect(s.renewed()).toBe(1)
    await expect(s.tokens.current()).rejects.toThrow('no more tokens')
    expect(s.renewed()).toBe(2)
  })

  it('passes a failed renewal on', async () => {
    const s = source({ token: 'one', expiresAtMs: Now }, [])
    await expect(s.tokens.current()).rejects.toThrow('no more tokens')
  })

  it('never renews a token of unknown expiry, or without a way to renew', async () => {
    const s = source({ token: 'one', expiresAtMs: undefined }, [])
    s.advance(1000 * Minute)
    await expect(s.tokens.current()).resolves.toBe('one')
    const given = createTokenSource({ token: 'given', expiresAtMs: Now - Minute }, undefined, {
      now: () => Now,
      info: () => undefined
    })
    await expect(given.current()).resolves.toBe('given')
  })
})

describe('jwtExpiryMs', () => {
  it('reads exp in seconds as ms', () => {
    expect(jwtExpiryMs(jwt({ exp: 1_750_000_600 }))).toBe(1_750_000_600_000)
  })

  it.each([
    'opaque-token',
    'a.b.c',
    jwt({ exp: 'soon' }),
    jwt({ nbf: 1 }),
    `x.${'A'.repeat(40_000)}.y`
  ])('gives undefined for %#', token => {
    expect(jwtExpiryMs(token)).toBeUndefined()
  })
})

describe('givenTokenWarning', () => {
  it('warns when the token expires before poll-timeout ends', () => {
    const token = jwt({ exp: (Now + 20 * Minute) / 1000 })
    expect(givenTokenWarning(token, 30 * Minute, Now)).toBe(
      'The given token expires in 00:20:00, before poll-timeout (00:30:00) ends, and a given token cannot be renewed: ' +
        'polls after its expiry will fail with HTTP 401. Sign in with client-secret, client-certificate or GitHub OIDC instead, ' +
        'and the token is renewed as needed.'
    )
  })

  it('stays silent when the token outlives poll-timeout, or has no exp', () => {
    expect(
      givenTokenWarning(jwt({ exp: (Now + 31 * Minute) / 1000 }), 30 * Minute, Now)
    ).toBeUndefined()
    expect(givenTokenWarning('opaque', 30 * Minute, Now)).toBeUndefined()
  })

  it('warns for any expiry when polling has no limit, and for a token already expired', () => {
    expect(givenTokenWarning(jwt({ exp: (Now + 600 * Minute) / 1000 }), 0, Now)).toContain(
      'before poll-timeout (no limit) ends'
    )
    expect(givenTokenWarning(jwt({ exp: (Now - Minute) / 1000 }), 30 * Minute, Now)).toMatch(
      /^The given token has already expired, and a given token cannot be renewed/
    )
  })
})
