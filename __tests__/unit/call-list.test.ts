import { describe, expect, it } from '@jest/globals'
import { parseCallList, MaxListedCalls } from '../../src/many/call-list.js'

describe('parseCallList', () => {
  it('reads a YAML list with every key, objects serialised as JSON and strings kept as written', async () => {
    const calls = await parseCallList(`
- name: Session
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  success-when: "UserId != null"
- name: Journal
  service-name: SimTestService/JournalService/Validate
  method: POST
  payload: { _journalNum: J-1, _balanced: true, n: 1.5 }
  fail-when: "Result == \`false\`"
- payload: '{"_dateTime":"2025-01-01T00:00:00Z"}'
`)
    expect(calls).toEqual([
      {
        name: 'Session',
        serviceName: 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
        payload: undefined,
        method: undefined,
        successWhen: 'UserId != null',
        failWhen: undefined
      },
      {
        name: 'Journal',
        serviceName: 'SimTestService/JournalService/Validate',
        payload: '{"_journalNum":"J-1","_balanced":true,"n":1.5}',
        method: 'POST',
        successWhen: undefined,
        failWhen: 'Result == `false`'
      },
      {
        name: undefined,
        serviceName: undefined,
        payload: '{"_dateTime":"2025-01-01T00:00:00Z"}',
        method: undefined,
        successWhen: undefined,
        failWhen: undefined
      }
    ])
  })

  it('reads a JSON array the same way', async () => {
    const calls = await parseCallList('[{"service-name":"G/S/O","payload":{"a":[1,2]}}]')
    expect(calls).toEqual([
      expect.objectContaining({ serviceName: 'G/S/O', payload: '{"a":[1,2]}' })
    ])
  })

  it('keeps number literals as written, in YAML and in JSON', async () => {
    const payload = '{"RecId": 9223372036854775807, "Amount": 1234567890123456.78, "Big": 1e400}'
    const [json] = await parseCallList(`[{"service-name":"G/S/O","payload":${payload}}]`)
    expect(json?.payload).toBe(payload)
    const [yaml] = await parseCallList(`
- service-name: G/S/O
  payload:
    RecId: 9223372036854775807
    Amount: 1234567890123456.78
    Big: 1e400
    Hex: 0x1F
    Plus: +12
    Text: "9223372036854775807"
    List: [1.10, -0, null, true]
`)
    expect(yaml?.payload).toBe(
      '{"RecId":9223372036854775807,"Amount":1234567890123456.78,"Big":1e400,"Hex":31,"Plus":12,' +
        '"Text":"9223372036854775807","List":[1.10,-0,null,true]}'
    )
  })

  it.each(['.inf', '-.inf', '.nan', '0x20000000000001'])(
    'refuses a YAML number it cannot send exactly (%s), naming the call',
    async number => {
      await expect(
        parseCallList(`- name: Post amounts\n  service-name: G/S/O\n  payload: { n: ${number} }\n`)
      ).rejects.toThrow(
        new RegExp(
          `^item 1 \\('Post amounts'\\): 'payload' has the number ${number.replace('.', '\\.')}, which cannot be sent exactly`
        )
      )
    }
  )

  it('refuses a payload nested deeper than 512 levels without overflowing the stack', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
    await expect(parseCallList(`[{"service-name":"G/S/O","payload":${deep}}]`)).rejects.toThrow(
      "'payload' is nested deeper than 512 levels"
    )
    await expect(parseCallList(`- service-name: G/S/O\n  payload: ${deep}\n`)).rejects.toThrow(
      /^(not valid YAML|item 1: 'payload' is nested deeper)/
    )
  })

  it('reads a YAML flow sequence that is not JSON', async () => {
    const calls = await parseCallList('[{service-name: G/S/O}, {service-name: G/S/P}]')
    expect(calls.map(call => call.serviceName)).toEqual(['G/S/O', 'G/S/P'])
  })

  it('treats empty strings and null as not given', async () => {
    const [call] = await parseCallList('- {name: "", payload: null, method: "  "}')
    expect(call).toEqual(
      expect.objectContaining({ name: undefined, payload: undefined, method: undefined })
    )
  })

  it.each([
    ['a mapping', 'service-name: G/S/O', /expected a list of calls .*got a mapping/],
    ['a scalar', 'hello', /expected a list of calls .*got a string/],
    ['nothing', '# only a comment', /expected a list of calls .*got nothing/],
    ['an empty list', '[]', /the list is empty/],
    [
      'an item that is a string',
      '- G/S/O',
      /^item 1: expected an object with name, service-name, payload, payload-file, method, success-when, fail-when; got a string$/
    ],
    [
      'an unknown key',
      '- {service-name: G/S/O}\n- {service: G/S/O}',
      /^item 2: unknown key 'service' \(a call may have name, service-name/
    ],
    [
      'a key that is not a string',
      '- {service-name: [G, S, O]}',
      /^item 1: 'service-name' must be a string; got a list$/
    ],
    [
      'a number as payload',
      '- {payload: 5}',
      /^item 1: 'payload' must be a JSON object \(or its JSON text\); got a number$/
    ],
    [
      'a name that is too long',
      `- {name: ${'n'.repeat(201)}}`,
      /^item 1: 'name' is longer than 200 characters$/
    ]
  ])('refuses %s, naming the item', async (_, text, message) => {
    await expect(parseCallList(text)).rejects.toThrow(message)
  })

  it('refuses a payload string that is not JSON without quoting it', async () => {
    const promise = parseCallList(`- payload: '{"secret": "hunter2"'`)
    await expect(promise).rejects.toThrow(
      /^item 1: 'payload' is not valid JSON: .* at line 1, column \d+/
    )
    await expect(promise).rejects.not.toThrow(/hunter2/)
  })

  it('refuses YAML that does not parse, saying where but not quoting the text', async () => {
    const promise = parseCallList('- name: a\n  name: hunter2')
    await expect(promise).rejects.toThrow(
      /^not valid YAML: Map keys must be unique at line 2, column 3:?$/
    )
    await expect(promise).rejects.not.toThrow(/hunter2/)
  })

  it('refuses more items than a calls-file is meant for', async () => {
    const text = JSON.stringify(Array.from({ length: MaxListedCalls + 1 }, () => ({})))
    await expect(parseCallList(text)).rejects.toThrow(
      `it lists ${MaxListedCalls + 1} calls, more than ${MaxListedCalls}; put them in a calls-file (JSON Lines) instead`
    )
  })

  it('refuses an alias bomb instead of expanding it', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 0; i < 8; i++) {
      const name = String.fromCharCode(98 + i)
      const prev = String.fromCharCode(97 + i)
      lines.push(
        `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`
      )
    }
    lines.push('calls: [*i]')
    await expect(parseCallList(lines.join('\n'))).rejects.toThrow(/^not valid YAML: .*alias/i)
  })
})
