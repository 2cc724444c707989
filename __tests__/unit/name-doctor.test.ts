import { describe, expect, it } from '@jest/globals'
import type { Catalogue, Listing } from '../../src/doctors/fo-catalogue.js'
import { alternatives, closestNames, nameDistance } from '../../src/doctors/name-match.js'
import { explainMissingName } from '../../src/doctors/name-doctor.js'

// Which names a typo meant, and what the name doctor says from F&O's lists (a fake catalogue:
// the GETs themselves are fo-catalogue.test.ts's).

/** A catalogue whose lists are `listings` by path ('' for the groups); unlisted paths are missing. */
function fakeCatalogue(
  listings: Record<string, Listing | undefined>
): Catalogue & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    async list(segments) {
      const key = segments.join('/')
      asked.push(key)
      return key in listings ? listings[key] : { kind: 'missing' }
    },
    contract: async () => ({ kind: 'unknown', why: 'not in this test' }),
    requests: () => asked.length
  }
}

const listed = (...names: string[]): Listing => ({ kind: 'listed', names })

describe('nameDistance and closestNames', () => {
  it('counts edits case-insensitively, and stops past the limit', () => {
    expect(nameDistance('GetUserSessionInfos', 'getusersessioninfo', 3)).toBe(1)
    expect(nameDistance('Echo', 'Fail', 4)).toBe(4)
    expect(nameDistance('Echo', 'Fail', 3)).toBeUndefined()
    expect(nameDistance('abc', 'abcdefgh', 2)).toBeUndefined()
  })

  it('names the closest names first, at most three, within the typo limit', () => {
    const names = ['GetUserSessionInfo', 'ApplyTimeZone', 'GetUserSessionInfo2', 'GetPartitionKey']
    expect(closestNames('GetUserSessionInfos', names)).toEqual([
      'GetUserSessionInfo',
      'GetUserSessionInfo2'
    ])
    expect(closestNames('Xyz', names)).toEqual([])
    expect(closestNames('A', ['B', 'C', 'D', 'E'])).toEqual(['B', 'C', 'D'])
  })

  it('joins alternatives as a sentence does', () => {
    expect(alternatives(['A'])).toBe('A')
    expect(alternatives(['A', 'B'])).toBe('A or B')
    expect(alternatives(['A', 'B', 'C'])).toBe('A, B or C')
  })
})

describe('explainMissingName', () => {
  it("names the operation from the service's list, asking nothing more", async () => {
    const catalogue = fakeCatalogue({ 'G/S': listed('GetUserSessionInfo', 'ApplyTimeZone') })
    await expect(explainMissingName(['G', 'S', 'GetUserSessionInfos'], catalogue)).resolves.toBe(
      'F&O has no operation GetUserSessionInfos in G/S; did you mean GetUserSessionInfo?'
    )
    expect(catalogue.asked).toEqual(['G/S'])
  })

  it('climbs to the service and the group when their lists are missing too', async () => {
    const service = fakeCatalogue({ G: listed('AifUserSessionService') })
    await expect(explainMissingName(['G', 'AifUserSessionServices', 'Op'], service)).resolves.toBe(
      'F&O has no service AifUserSessionServices in G; did you mean AifUserSessionService?'
    )
    expect(service.asked).toEqual(['G/AifUserSessionServices', 'G'])

    const group = fakeCatalogue({ '': listed('UserSessionService', 'SimTestService') })
    await expect(explainMissingName(['UserSessionServic', 'S', 'Op'], group)).resolves.toBe(
      'F&O has no service group UserSessionServic; did you mean UserSessionService?'
    )
    expect(group.asked).toEqual(['UserSessionServic/S', 'UserSessionServic', ''])
  })

  it('says how to list them when no name is close', async () => {
    const catalogue = fakeCatalogue({ 'G/S': listed('Alpha', 'Beta') })
    await expect(explainMissingName(['G', 'S', 'Zzzzzzzz'], catalogue)).resolves.toBe(
      "F&O has no operation Zzzzzzzz in G/S, and none of its 2 operations is a close match (list them with service-name 'G/S' and method GET)"
    )
  })

  it('says the name is right when F&O lists it (in any case)', async () => {
    const catalogue = fakeCatalogue({ 'G/S': listed('GetStatus') })
    await expect(explainMissingName(['G', 'S', 'getstatus'], catalogue)).resolves.toBe(
      'F&O lists operation getstatus in G/S, so the name is right and the 404 came from the operation itself'
    )
  })

  it('says nothing when a list cannot be read or the budget is spent', async () => {
    await expect(
      explainMissingName(
        ['G', 'S', 'O'],
        fakeCatalogue({ 'G/S': { kind: 'unknown', why: 'HTTP 503' } })
      )
    ).resolves.toBeUndefined()
    await expect(
      explainMissingName(['G', 'S', 'O'], fakeCatalogue({ 'G/S': undefined }))
    ).resolves.toBeUndefined()
  })
})
