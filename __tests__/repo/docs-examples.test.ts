/**
 * Examples are code: every ```yaml block in the docs and every workflow in .github/workflows must
 * parse, pass actionlint once completed into a workflow, and use this action as action.yml
 * declares it (see __fixtures__/workflow-check.ts). A failure names the file and line.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { docsFiles, readRepoFile as read, repoFilesIn } from '../../__fixtures__/docs-files.js'
import { fencedBlocks } from '../../__fixtures__/markdown.js'
import { createWorkflowChecker } from '../../__fixtures__/workflow-check.js'
import type { ActionSpec, YamlSource } from '../../__fixtures__/workflow-check.js'

const docs = docsFiles()
const examples: YamlSource[] = docs.flatMap(file =>
  fencedBlocks(read(file))
    .filter(block => block.language === 'yaml' || block.language === 'yml')
    .map(block => ({ file, line: block.line, text: block.text }))
)
const workflows: YamlSource[] = repoFilesIn('.github/workflows', /\.ya?ml$/).map(file => ({
  file,
  line: 1,
  text: read(file)
}))

interface Declared {
  readonly inputs?: Readonly<Record<string, { readonly required?: unknown } | null>>
  readonly outputs?: Readonly<Record<string, unknown>>
}
const declared = parse(read('action.yml')) as Declared
const action: ActionSpec = {
  inputs: new Set(Object.keys(declared.inputs ?? {})),
  requiredInputs: new Set(
    Object.entries(declared.inputs ?? {})
      .filter(([, spec]) => spec?.required === true || spec?.required === 'true')
      .map(([name]) => name)
  ),
  outputs: new Set(Object.keys(declared.outputs ?? {}))
}

let check: (source: YamlSource) => string[]
beforeAll(async () => {
  check = await createWorkflowChecker(action)
})

describe('the YAML examples in the docs', () => {
  it('are found (the README has several, and so do the pages under docs/)', () => {
    expect(examples.filter(example => example.file === 'README.md').length).toBeGreaterThan(3)
    expect(examples.filter(example => example.file.startsWith('docs/')).length).toBeGreaterThan(3)
  })

  it.each(examples.map(example => [`${example.file}:${example.line}`, example] as const))(
    '%s parses, lints clean and uses the action as action.yml declares it',
    (_, example) => {
      expect(check(example)).toEqual([])
    }
  )
})

describe('the workflows in .github/workflows', () => {
  it('are found', () => {
    expect(workflows.map(workflow => workflow.file)).toContain('.github/workflows/ci.yml')
  })

  it.each(workflows.map(workflow => [workflow.file, workflow] as const))(
    '%s parses, lints clean and uses the action as action.yml declares it',
    (_, workflow) => {
      expect(check(workflow)).toEqual([])
    }
  )
})

describe('the checker', () => {
  // Each check must be able to fail, or a clean README proves nothing.
  const snippet = (text: string): YamlSource => ({ file: 'example.md', line: 10, text })
  const call = [
    '- id: call',
    '  uses: d365fo-actions/invoke-rest-endpoint@v1',
    '  with:',
    '    service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo'
  ]

  it('names the line of a YAML error', () => {
    expect(check(snippet('- run: echo "Company: ${{ env.COMPANY }}"\n'))).toEqual([
      expect.stringMatching(/^example\.md:10: /)
    ])
  })

  it('reports what actionlint finds, at the line in the docs', () => {
    expect(check(snippet([...call, '- run: echo "$X"', '  wiht: x'].join('\n')))).toEqual([
      expect.stringMatching(/^example\.md:15: .*\[actionlint/)
    ])
  })

  it('refuses an input action.yml does not declare, and a step with nothing to call', () => {
    expect(
      check(
        snippet(
          ['- uses: d365fo-actions/invoke-rest-endpoint@v1', '  with:', '    servicename: X'].join(
            '\n'
          )
        )
      )
    ).toEqual([
      "example.md:12: with: 'servicename' is not an input in action.yml",
      "example.md:10: this action needs 'service-name' (or 'calls' or 'calls-file')"
    ])
  })

  it('refuses an output the action does not set', () => {
    const read = ['- env:', '    BODY: ${{ steps.call.outputs.body }}', '  run: echo "$BODY"']
    expect(check(snippet([...call, ...read].join('\n')))).toEqual([
      "example.md:15: steps.call.outputs.body: this action has no output 'body'"
    ])
  })

  it('refuses an output or the event pasted into run:', () => {
    const run = ['- run: echo "${{ steps.call.outputs.error }} ${{ github.event.number }}"']
    expect(check(snippet([...call, ...run].join('\n')))).toEqual([
      expect.stringContaining('example.md:14: run: pastes ${{ steps.call.outputs.error }}'),
      expect.stringContaining('example.md:14: run: pastes ${{ github.event.number }}')
    ])
  })

  it('refuses a … placeholder', () => {
    expect(check(snippet([...call, '    tenant: …'].join('\n')))).toEqual([
      "example.md:14: '…' placeholder; write a value that runs as shown"
    ])
  })

  it('completes a job into a workflow (a step reading an undefined step is caught)', () => {
    const job = ['env:', '  A: b', 'steps:', '  - run: echo "$T"', '    env:']
    expect(
      check(snippet([...job, '      T: ${{ steps.sign-in.outputs.token }}'].join('\n')))
    ).toEqual([expect.stringMatching(/^example\.md:15: property "sign-in" is not defined/)])
  })
})
