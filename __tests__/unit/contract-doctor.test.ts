import { describe, expect, it } from '@jest/globals'
import {
  compareWithContract,
  describeMismatch,
  describeMissing,
  payloadKeys
} from '../../src/doctors/contract-doctor.js'

const contract = { name: '_contract', type: 'MyContract' }
const journal = { name: '_journalNum', type: 'String' }
const balanced = { name: '_balanced', type: 'Boolean' }

describe('payloadKeys', () => {
  it("reads an object's top-level keys; none without a payload; undefined for other JSON", () => {
    expect(payloadKeys('{"_contract": {"a": 1}, "b": 2}')).toEqual(['_contract', 'b'])
    expect(payloadKeys(undefined)).toEqual([])
    expect(payloadKeys('  ')).toEqual([])
    expect(payloadKeys('[1]')).toBeUndefined()
    expect(payloadKeys('"text"')).toBeUndefined()
  })
})

describe('compareWithContract', () => {
  it('finds near misses: a missing underscore, another case, a typo', () => {
    expect(
      compareWithContract(['contract', '_JournalNum', '_balancd'], [contract, journal, balanced])
    ).toEqual({
      unknown: [
        { key: 'contract', nearMiss: contract },
        { key: '_JournalNum', nearMiss: journal },
        { key: '_balancd', nearMiss: balanced }
      ],
      missing: []
    })
  })

  it('lists keys that name nothing, and parameters no key names', () => {
    expect(compareWithContract(['_journalNum', 'colour'], [journal, balanced])).toEqual({
      unknown: [{ key: 'colour', nearMiss: undefined }],
      missing: [balanced]
    })
    expect(compareWithContract(['_journalNum', '_balanced'], [journal, balanced])).toEqual({
      unknown: [],
      missing: []
    })
  })
})

describe('describeMismatch', () => {
  it('one sentence: the near miss with its type, then what is missing', () => {
    const mismatch = compareWithContract(['contract'], [contract, journal])
    expect(describeMismatch('Create', mismatch)).toBe(
      "the payload does not match the parameters of Create: 'contract' is not one of them — did you mean '_contract' (MyContract)?; '_journalNum' (String) is missing"
    )
    expect(describeMismatch('Create', mismatch, false)).toBe(
      "the payload does not match the parameters of Create: 'contract' is not one of them — did you mean '_contract' (MyContract)?"
    )
  })

  it('quotes only keys that are X++ names, and names a few of many', () => {
    const keys = ['::error::x', ...Array.from({ length: 7 }, (_, i) => `k${i}`)]
    const text = describeMismatch('Op', compareWithContract(keys, [])) ?? ''
    expect(text).toContain('a key that is no X++ name is not one of them')
    expect(text).not.toContain('::')
    expect(text).toMatch(/; and 3 more keys are not$/)
  })

  it('says nothing when the payload matches', () => {
    expect(describeMismatch('Op', compareWithContract(['_balanced'], [balanced]))).toBeUndefined()
  })

  it('lists missing parameters as a sentence does', () => {
    expect(describeMissing([journal])).toBe("'_journalNum' (String) is missing")
    expect(describeMissing([journal, balanced, contract])).toBe(
      "'_journalNum' (String), '_balanced' (Boolean) and '_contract' (MyContract) are missing"
    )
  })
})
