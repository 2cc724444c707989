/**
 * Every example runs as shown: each step that uses this action, in the README's examples and in
 * those of the pages under docs/ (where the deep topics moved), runs, as a runner would run it,
 * against the simulator. The example's URL becomes the simulator's,
 * `authority-host` is the simulator's Entra ID, and each `${{ … }}` gets the value a workflow
 * would give it (the table below). A step passes when it got past its inputs and sign-in and F&O
 * answered: 2xx, or an HTTP error for a service the simulator does not have (the examples' own
 * services), never 401 or 403. An example whose point is a service's behaviour (a job to poll)
 * calls the simulator's equivalent instead (`SimulatedServices`). A step of many calls passes
 * when every call got such an answer; its `calls-file` is a small file of payloads made here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import type { ActionRun } from '../../scripts/action-runner.mjs'
import { docsFiles, readRepoFile } from '../../__fixtures__/docs-files.js'
import { fencedBlocks } from '../../__fixtures__/markdown.js'
import { runAgainst, useSimulator } from '../../__fixtures__/simulator.js'
import { readResults } from '../../__fixtures__/run-assertions.js'
import { jobsOf, type Step } from '../../__fixtures__/workflow-shape.js'
import {
  createClientCertificate,
  DefaultOidcAudience,
  DefaultOidcIssuer,
  DefaultOidcSubject
} from '../../sim/index.mjs'

/** `uses:` values that mean this action. */
const ThisAction = /^(?:d365fo-actions\/invoke-rest-endpoint@\S+|\.\/)$/
/** The placeholder environment URL of the examples. */
const ExampleUrl = /https:\/\/[\w-]+(?:\.sandbox)?\.operations\.dynamics\.(?:com|us|cn)/g

const app = { clientId: 'readme-app-0001', clientSecret: 'readme~secret.value_123' }
const givenToken = 'readme-example-token-from-another-step'
let certificatePem = ''

let files = ''
beforeAll(async () => {
  certificatePem = (await createClientCertificate()).pem
  files = mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'))
})
afterAll(() => rmSync(files, { recursive: true, force: true }))

/** A `calls-file` for an example: three payloads, written where the step can read it. */
function exampleCallsFile(name: string): string {
  const file = path.join(files, path.basename(name))
  writeFileSync(file, ['{"_id": 1}', '{"_id": 2}', '{"_id": 3}'].join('\n'))
  return file
}
const sim = useSimulator(() => ({
  clients: [app],
  certificateClients: [{ clientId: app.clientId, certificatePem }],
  federatedClients: [
    {
      clientId: app.clientId,
      issuer: DefaultOidcIssuer,
      subject: DefaultOidcSubject,
      audience: DefaultOidcAudience
    }
  ],
  staticTokens: [givenToken]
}))

/**
 * What a workflow gives the expressions the examples use. An example with another expression
 * fails until it is added here (or the example is written with one of these).
 */
const known = (): Record<string, string> => ({
  'vars.AZURE_TENANT_ID': sim().tenant,
  'vars.AZURE_CLIENT_ID': app.clientId,
  'secrets.AZURE_CLIENT_SECRET': app.clientSecret,
  'secrets.F_AND_O_CERTIFICATE_PEM': certificatePem,
  'secrets.F_AND_O_CERTIFICATE_PASSWORD': '',
  'github.sha': '0123456789abcdef0123456789abcdef01234567',
  // "A token you already have" (docs/signing-in.md) gets it from an `az` step.
  'steps.sign-in.outputs.token': givenToken
})

/**
 * Example services that must behave like a real one for their example to make sense: polling
 * "Submit, then wait" (docs/polling.md) needs a job that ends (a job submitted without `_steps` has finished by its
 * first status call). Every other example service answers 404, which the test accepts.
 */
const SimulatedServices: Readonly<Record<string, string>> = {
  'MyServiceGroup/MyBatchService/SubmitRecalculation': 'SimTestService/JobService/Submit',
  'MyServiceGroup/MyBatchService/GetStatus': 'SimTestService/JobService/GetStatus',
  // "When a call fails" (docs/when-a-call-fails.md): check-contract needs an operation with a contract.
  'MyServiceGroup/MyCustomerService/Create': 'SimTestService/ContractService/CreateCustomer',
  // Every example with a check runs it on an answer of F&O's shape, never on a 404.
  'MyServiceGroup/MyJournalService/Validate': 'SimTestService/JournalService/Validate',
  'MyServiceGroup/MyJournalService/Post': 'SimTestService/BusinessService/Post',
  'MyServiceGroup/MyCustomerService/CreateCustomer': 'SimTestService/BusinessService/CreateCustomer'
}

/**
 * Examples whose check is meant to fail on the simulator's answer, and the error they show: the
 * docs quote it (the README's "Check the answer" validates a journal that is not balanced, and
 * docs/writing-checks.md shows its error).
 */
const ExpectedErrors: Readonly<Record<string, RegExp>> = {
  'MyServiceGroup/MyJournalService/Validate':
    /^POST \S+ failed: fail-when 'InfoMessages\[\?Type=='Error'\]\.Text' evaluated to \["Journal GEN-000123 is not balanced\."\] \(HTTP 200; InfoMessages = \[\{"Type":"Error","Text":"Journal GEN-000123 is not balanced\."\}\]\) — F&O says: Journal GEN-000123 is not balanced\.$/
}

/** The inputs that make a step a check of the answer. */
const CheckInputs = ['success-when', 'fail-when', 'until']

/** True when a step (or one of its calls) checks the answer. */
function hasCheck(inputs: Readonly<Record<string, string>>): boolean {
  return (
    CheckInputs.some(name => inputs[name]) ||
    /\b(success-when|fail-when)\b/.test(inputs['calls'] ?? '')
  )
}

/** The outputs of the steps of this action that ran before, by step id. */
type Earlier = Map<string, Readonly<Record<string, string>>>

/** The value of one `${{ … }}` expression: a known one, an earlier step's output, or an env value. */
function evaluate(expression: string, earlier: Earlier, env: Record<string, string>): string {
  const table = known()
  if (expression in table) return table[expression]
  const envValue = /^env\.(\w+)$/.exec(expression)
  if (envValue && envValue[1] in env) return env[envValue[1]]
  // toJSON(…) of a value the rest of this function gives, as a workflow writes it.
  const json = /^toJSON\(([\s\S]+)\)$/.exec(expression)
  if (json) {
    const inner = evaluate(json[1], earlier, env)
    return JSON.stringify(/^fromJSON\(/.test(json[1]) ? parsedValue(json[1], earlier) : inner)
  }
  const output =
    /^(fromJSON\()?steps\.([\w-]+)\.outputs\.([\w-]+)(?: \|\| '(\{\})')?(?:\)((?:\.\w+)+))?$/.exec(
      expression
    )
  const outputs = output ? earlier.get(output[2]) : undefined
  if (output && outputs && output[3] in outputs) {
    // `response || '{}'`: an empty output (a body over 1 MiB) falls back to the literal.
    const text = outputs[output[3]] || (output[4] ?? '')
    if (!output[1]) return text
    const value = (output[5] ?? '')
      .slice(1)
      .split('.')
      .reduce<unknown>(
        (at, key) => (at as Record<string, unknown> | undefined)?.[key],
        JSON.parse(text)
      )
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
  throw new Error(`no value for \${{ ${expression} }}: add it to 'known' in this test`)
}

/** The value `fromJSON(steps.<id>.outputs.<name>).<path>` stands for, before it becomes text. */
function parsedValue(expression: string, earlier: Earlier): unknown {
  const match = /^fromJSON\(steps\.([\w-]+)\.outputs\.([\w-]+)\)((?:\.\w+)*)$/.exec(expression)
  const text = match ? earlier.get(match[1])?.[match[2]] : undefined
  if (!match || text === undefined) throw new Error(`no value for \${{ ${expression} }}`)
  return match[3]
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (at, key) => (at as Record<string, unknown> | undefined)?.[key],
      JSON.parse(text)
    )
}

/** A `with:` or `env:` value as the runner hands it over: expressions replaced, the URL the simulator's. */
function substitute(value: unknown, earlier: Earlier, env: Record<string, string>): string {
  return String(value ?? '')
    .replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expression: string) =>
      evaluate(expression, earlier, env)
    )
    .replace(ExampleUrl, sim().url)
}

function substituteAll(
  values: unknown,
  earlier: Earlier,
  env: Record<string, string>
): Record<string, string> {
  const entries = Object.entries((values ?? {}) as Record<string, unknown>)
  return Object.fromEntries(entries.map(([name, value]) => [name, substitute(value, earlier, env)]))
}

interface ActionStep {
  readonly title: string
  /** The steps of the same job up to and including this one, in order. */
  readonly upTo: readonly Step[]
  readonly jobEnv: Readonly<Record<string, unknown>>
}

const steps: ActionStep[] = docsFiles().flatMap(file =>
  fencedBlocks(readRepoFile(file))
    .filter(block => block.language === 'yaml' || block.language === 'yml')
    .flatMap(block =>
      jobsOf(parse(block.text)).flatMap(job =>
        job.steps.flatMap((step, index) =>
          typeof step['uses'] === 'string' && ThisAction.test(step['uses'])
            ? [
                {
                  title: `${file}:${block.line}, step ${index + 1}: ${stepTitle(step)}`,
                  upTo: job.steps.slice(0, index + 1),
                  jobEnv: job.env
                }
              ]
            : []
        )
      )
    )
)

/** What a step calls: its service-name, or that it makes many calls. */
function stepTitle(step: Step): string {
  const inputs = (step['with'] ?? {}) as Record<string, unknown>
  if (inputs['calls'] !== undefined) return 'calls'
  if (inputs['calls-file'] !== undefined) return `calls-file of ${String(inputs['service-name'])}`
  return String(inputs['service-name'])
}

/** Runs the action's steps of `upTo` in order, as a job would; returns the last step's run. */
async function runJob(
  example: ActionStep
): Promise<{ run: ActionRun; service: string; check: boolean }> {
  const earlier: Earlier = new Map()
  let last: ActionRun | undefined
  let checked = { service: '', check: false }
  for (const step of example.upTo) {
    if (typeof step['uses'] !== 'string' || !ThisAction.test(step['uses'])) continue
    const jobEnv = substituteAll(example.jobEnv, earlier, {})
    const env = { ...jobEnv, ...substituteAll(step['env'], earlier, jobEnv) }
    const inputs = substituteAll(step['with'], earlier, env)
    const service = inputs['service-name']
    if (service !== undefined && service in SimulatedServices) {
      inputs['service-name'] = SimulatedServices[service]
    }
    if (inputs['calls-file'] !== undefined) {
      inputs['calls-file'] = exampleCallsFile(inputs['calls-file'])
    }
    const payloadFile = inputs['payload-file']
    if (payloadFile !== undefined) {
      // The example's file, in the workspace: a payload in windows-1252, as a cmdlet user keeps one.
      mkdirSync(path.dirname(path.join(files, payloadFile)), { recursive: true })
      writeFileSync(
        path.join(files, payloadFile),
        Buffer.from('{"_journalNum": "GEN-\xe9"}', 'latin1')
      )
    }
    last = await runAgainst(sim(), {
      inputs: { 'authority-host': sim().authorityHost, ...inputs },
      env: {
        ...env,
        // The step reads payload-file and calls-file only inside the workspace: the example's files are its workspace.
        ...(payloadFile === undefined && inputs['calls-file'] === undefined
          ? {}
          : { GITHUB_WORKSPACE: files }),
        // A job with `permissions: id-token: write` gets these from the runner.
        ACTIONS_ID_TOKEN_REQUEST_URL: sim().oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: sim().oidc.requestToken
      }
    })
    if (typeof step['id'] === 'string') earlier.set(step['id'], last.outputs)
    checked = { service: service ?? '', check: hasCheck(inputs) }
  }
  if (!last) throw new Error('no step of this action ran')
  return { run: last, ...checked }
}

describe('the examples of the README and docs/, run against the simulator', () => {
  it('are found, in the README and under docs/', () => {
    expect(steps.filter(step => step.title.startsWith('README.md:')).length).toBeGreaterThan(3)
    expect(steps.filter(step => step.title.startsWith('docs/')).length).toBeGreaterThan(5)
  })

  it.each(steps.map(step => [step.title, step] as const))('%s', async (_, example) => {
    const { run, service, check } = await runJob(example)
    const { status = '', error = '' } = run.outputs

    if (run.outputs['total']) {
      // Many calls: each got an answer from F&O, and the step failed only if a call did.
      const results = (await readResults(run)) as { status: number | null; error: string | null }[]
      expect(results.length).toBe(Number(run.outputs['total']))
      expect(results.map(result => `${result.status} ${result.error ?? ''}`.trim())).toEqual(
        results.map(() => expect.stringMatching(check ? /^2\d\d\b/ : /^(?!40[13])\d{3}\b/))
      )
      if (run.outputs['failed'] === '0')
        expect({ exitCode: run.exitCode, error }).toEqual({ exitCode: 0, error: '' })
      return
    }

    // F&O answered, so inputs and sign-in worked; when it did not, the message shows the error.
    expect(`${status} ${error}`.trim()).toMatch(check ? /^2\d\d\b/ : /^(?!40[13])\d{3}\b/)
    const expected = ExpectedErrors[service]
    if (expected) {
      expect(run.exitCode).toBe(1)
      expect(error).toMatch(expected)
    } else if (status.startsWith('2')) {
      expect({ exitCode: run.exitCode, error }).toEqual({ exitCode: 0, error: '' })
    }
  })
})
