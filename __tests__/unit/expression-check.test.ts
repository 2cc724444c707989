import { describe, expect, it } from '@jest/globals'
import { expressionProblem, fieldsRead } from '../../src/call/expression-check.js'

describe('expressionProblem', () => {
  it.each(["Status == 'Succeeded'", 'Result == `false`', '"false" == `true`', 'length(x) > `0`'])(
    'accepts %s',
    async expression => {
      await expect(expressionProblem(expression)).resolves.toBeUndefined()
    }
  )

  it.each([
    ['Result == false', 'false', 'Result == `false`'],
    ['Result == true', 'true', 'Result == `true`'],
    ['Error != null && Result == false', 'null', 'Error != `null` && Result == `false`']
  ])('refuses the bare literal in %s, showing the fix', async (expression, word, fixed) => {
    await expect(expressionProblem(expression)).resolves.toBe(
      `a bare ${word} is a field name in JMESPath (null on an F&O answer), not the value ${word}; ` +
        `write literals in backticks: ${fixed} (a field really named ${word} is written "${word}")`
    )
  })

  it.each([
    ['x ==== 3', 5, 'x ==»== 3'],
    ['a b', 3, 'a »b'],
    ['Status ==', 10, 'Status ==»'],
    ["InfoMessages[?Type=='Error'", 28, "InfoMessages[?Type=='Error'»"],
    ['a ~ b', 3, 'a »~ b']
  ])('names the position of the syntax error in %s', async (expression, at, excerpt) => {
    const problem = await expressionProblem(expression)
    expect(problem).toMatch(/^Syntax error/)
    expect(problem).toContain(` at character ${at}: ${excerpt}`)
  })
})

describe('fieldsRead', () => {
  it('lists the fields read from the root, and those read from the elements of a root list', async () => {
    await expect(
      fieldsRead("Result == `false` || length(InfoMessages[?Type == 'Error'].Text) > `0`")
    ).resolves.toEqual([
      { name: 'Result' },
      { name: 'InfoMessages' },
      { name: 'Type', elementsOf: 'InfoMessages' },
      { name: 'Text', elementsOf: 'InfoMessages' }
    ])
  })

  it('reads only the first name of a path from the root, and nothing after a pipe', async () => {
    await expect(fieldsRead('Job.Status == `1` && (Items | [0].Name)')).resolves.toEqual([
      { name: 'Job' },
      { name: 'Items' }
    ])
  })

  it('reads a field after @ where @ is', async () => {
    await expect(
      fieldsRead("@.Status == 'Done' && InfoMessages[?@.Type == 'Error']")
    ).resolves.toEqual([
      { name: 'Status' },
      { name: 'InfoMessages' },
      { name: 'Type', elementsOf: 'InfoMessages' }
    ])
  })

  it('reads the quoted field "false" as a field', async () => {
    await expect(fieldsRead('"false"')).resolves.toEqual([{ name: 'false' }])
  })
})
