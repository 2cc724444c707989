import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { runAction, type ActionRun, type RunOptions } from '../scripts/action-runner.mjs'
import { expectNoSecretLeaks } from './secret-hygiene.js'
import {
  DefaultOidcAudience,
  DefaultOidcIssuer,
  startSimulator,
  type RecordedRequest,
  type SecretClient,
  type Simulator,
  type SimulatorOptions
} from '../sim/index.mjs'

export type { Simulator }

/**
 * One simulator for the whole test file: started in beforeAll, closed in afterAll, and reset
 * before each test so that every test sees only its own requests, scripts and issued tokens.
 *
 * Pass a function for `options` when they depend on something an earlier beforeAll prepares
 * (a client certificate, say): it is called when the simulator starts, not when the file loads.
 *
 * @returns A getter for the running simulator, to call inside hooks and tests (it throws if
 *   called before beforeAll has started the simulator, e.g. in an it.each table).
 */
export function useSimulator(
  options: SimulatorOptions | (() => SimulatorOptions) = {}
): () => Simulator {
  let started: Simulator | undefined

  beforeAll(async () => {
    started = await startSimulator(typeof options === 'function' ? options() : options)
  })
  // Optional: when the start failed, jest reports that error, not one from closing nothing.
  afterAll(async () => {
    await started?.close()
  })
  beforeEach(() => {
    started?.reset()
  })

  return () => {
    if (!started) throw new Error('The simulator is not running: use it in a hook or a test.')
    return started
  }
}

/**
 * Runs the bundle as a runner does, trusting the simulator's CA as a runner trusts a public one.
 * `options.env` comes last, so a test may still set NODE_EXTRA_CA_CERTS itself (to '' or another CA).
 */
export async function runAgainst(sim: Simulator, options: RunOptions): Promise<ActionRun> {
  const run = await runAction({
    ...options,
    env: { NODE_EXTRA_CA_CERTS: sim.caFile, ...options.env }
  })
  // Every run is checked for leaked secrets, whatever else its test asserts.
  expectNoSecretLeaks(run, secretsOf(sim, options))
  return run
}

/** Every secret a run could have seen: the secret inputs and environment, and every token issued. */
function secretsOf(sim: Simulator, options: RunOptions): string[] {
  const { inputs, env = {} } = options
  return [
    inputs['client-secret'],
    inputs['token'],
    inputs['client-certificate'],
    inputs['client-certificate-password'],
    env['AZURE_CLIENT_SECRET'],
    env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'],
    ...sim.issuedTokens,
    ...sim.oidc.issuedTokens
  ].filter((secret): secret is string => Boolean(secret))
}

/**
 * The inputs that sign `app` in at the simulator's Entra ID with its client secret, for a call
 * to the simulator's F&O: tenant, url, authority-host, client-id and client-secret.
 */
export function clientSecretInputs(sim: Simulator, app: SecretClient): Record<string, string> {
  return {
    tenant: sim.tenant,
    url: sim.url,
    'authority-host': sim.authorityHost,
    'client-id': app.clientId,
    'client-secret': app.clientSecret
  }
}

/** The requests that reached F&O's custom services (not Entra ID, OIDC or metadata). */
export function serviceRequests(sim: Simulator): RecordedRequest[] {
  return sim.requests.filter(r => r.kind === 'service')
}

/** The requests that reached one operation (`Group/Service/Operation`). */
export function operationRequests(sim: Simulator, operation: string): RecordedRequest[] {
  return serviceRequests(sim).filter(r => r.path === `/api/services/${operation}`)
}

/** Runs the bundle against the simulator, signed in with a static `token`. */
export function staticTokenRunner(
  sim: () => Simulator,
  token: string
): (inputs: Record<string, string>, options?: Partial<RunOptions>) => Promise<ActionRun> {
  return (inputs, options = {}) =>
    runAgainst(sim(), { ...options, inputs: { url: sim().url, token, ...inputs } })
}

/**
 * Simulator options for an app registration that trusts GitHub's OIDC tokens for `subject`
 * (workload identity federation), and the subject the simulated GitHub signs them with.
 */
export function federatedSignIn(
  clientId: string,
  subject: string
): Pick<SimulatorOptions, 'federatedClients' | 'oidcSubject'> {
  return {
    federatedClients: [
      { clientId, issuer: DefaultOidcIssuer, subject, audience: DefaultOidcAudience }
    ],
    oidcSubject: subject
  }
}
