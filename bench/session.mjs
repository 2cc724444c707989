// @ts-check
/**
 * One benchmark session: the simulator (and whatever a scenario starts next to it, such as a
 * proxy), closed in one place whatever happens — a scenario that throws, a run that fails,
 * Ctrl-C — and the two kinds of run every scenario is made of: the action as a runner runs it
 * (scripts/action-runner.mjs, lean) and the floor (bench/floor.mjs).
 * @module
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../scripts/action-runner.mjs'
import { startSimulator } from '../sim/index.mjs'
import { runProcess } from './measure.mjs'
import { scratch } from './options.mjs'

/** @typedef {import('./options.mjs').Options} Options */
/** @typedef {import('./measure.mjs').ProcessRun} ProcessRun */
/** @typedef {import('../sim/index.mjs').Simulator} Simulator */
/** @typedef {Simulator['requests'][number]} RecordedRequest */

const here = path.dirname(fileURLToPath(import.meta.url))

/** The operation every timed call makes (GET: its metadata). */
export const Operation = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
/** The simulator's operation that answers a body of the size it is asked for. */
export const LargeOperation = 'SimTestService/EchoService/Large'
/** The clouds whose metadata src/sign-in/cloud-metadata.ts supplies; the simulator's certificate covers them. */
export const KnownCloudHosts = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn'
]
export const StaticToken = 'bench-static-token-5d1e8a'
const App = { clientId: 'bench-app-00000001', clientSecret: 'bench-secret~Value_0123456789' }
const AuthorityKinds = new Set(['token', 'metadata', 'discovery'])
/** @type {import('../sim/index.mjs').SimulatorOptions} */
const SimulatorOptions = {
  clients: [App],
  staticTokens: [StaticToken],
  hostnames: KnownCloudHosts
}

/**
 * @typedef {object} BundleRun
 * @property {number} wallMs
 * @property {number | undefined} maxRssKb
 * @property {Readonly<Record<string, string>>} outputs
 * @property {RecordedRequest[]} requests What the simulator received during the run.
 * @property {Simulator['tlsHandshakes']} tlsHandshakes TLS connections it accepted meanwhile.
 * @property {number} authorityRequests Requests to Entra (token, OpenID metadata, discovery).
 * @property {number} serviceRequests Requests to F&O.
 */

/**
 * @typedef {object} CallOptions
 * @property {boolean} [measureRss] Peak RSS instead of a clean wall time.
 * @property {Record<string, string>} [env] More environment (HTTPS_PROXY, a module log).
 * @property {string[]} [nodeArgs]
 * @property {number} [killAfterMs] Longer than the default 3 minutes, for a long run of many calls.
 * @property {string} [node] The Node binary (default the one measured, --node=).
 * @property {Simulator} [sim] The simulator whose requests count (default the session's).
 */

/**
 * @typedef {object} FloorOptions
 * @property {boolean} [measureRss]
 * @property {string} [baseUrl] Where F&O is; default the simulator (another address: a proxy).
 * @property {string} [operation] Default Operation (a GET).
 * @property {string} [payload] POST this JSON instead.
 * @property {string} [file] Pipe the body to this file.
 * @property {FloorSignIn} [signIn] Request the token first (client credentials).
 * @property {boolean} [overlap] Connect to F&O while the token is requested.
 * @property {string} [node] The Node binary (default the one measured, --node=).
 */

/**
 * The floor's client-credentials request (bench/floor.mjs, BENCH_FLOOR_SIGN_IN).
 * @typedef {object} FloorSignIn
 * @property {string} tokenUrl
 * @property {{ host: string, port: number }} dial Where to connect instead of the URL's host.
 * @property {string} scope
 */

/**
 * @typedef {object} Session
 * @property {Simulator} sim
 * @property {Options} options
 * @property {Record<string, string>} tokenInputs A call with a given token.
 * @property {Record<string, string>} secretInputs A client-secret call, the simulator as authority.
 * @property {(label: string, inputs: Record<string, string>, options?: CallOptions) => Promise<BundleRun>} action
 *   Runs the bundle once; throws when the run does not end with status 200 (with many calls:
 *   when any call failed).
 * @property {(options?: FloorOptions) => Promise<ProcessRun>} floor
 *   Runs the floor once; throws when it fails.
 * @property {<T extends { close(): Promise<void> }>(resource: T) => T} own
 *   Closes the resource with the simulator when the session ends.
 * @property {(options?: import('../sim/index.mjs').SimulatorOptions) => Promise<Simulator>} simulator
 *   Starts another simulator with the session's app, token and host names (say, one whose
 *   audience is a relay's address), closed when the session ends.
 */

/** The user pressed Ctrl-C: the session stopped its run under way and closed everything. */
export class Interrupted extends Error {
  constructor() {
    super('Interrupted (SIGINT)')
    this.name = 'Interrupted'
  }
}

/**
 * Starts the simulator, runs `work` and closes everything it owns, also when `work` throws or
 * the user presses Ctrl-C (the run under way is killed and `work` rejects).
 * @template T
 * @param {Options} options
 * @param {(session: Session) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withSession(options, work) {
  const interrupt = new AbortController()
  const onSigint = () => interrupt.abort(new Interrupted())
  process.once('SIGINT', onSigint)
  /** @type {{ close(): Promise<void> }[]} */
  const owned = []
  try {
    await mkdir(scratch, { recursive: true })
    const sim = await startSimulator(SimulatorOptions)
    owned.push(sim)
    return await work(createSession(sim, options, interrupt.signal, owned))
  } catch (error) {
    // A killed run rejects with an AbortError; say why it was killed.
    throw interrupt.signal.aborted ? interrupt.signal.reason : error
  } finally {
    process.off('SIGINT', onSigint)
    // Last started, first closed: a proxy before the simulator it forwards to.
    for (const resource of owned.reverse()) await resource.close()
  }
}

/**
 * @param {Simulator} sim
 * @param {Options} options
 * @param {AbortSignal} signal
 * @param {{ close(): Promise<void> }[]} owned
 * @returns {Session}
 */
function createSession(sim, options, signal, owned) {
  const baseEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? scratch,
    NODE_EXTRA_CA_CERTS: sim.caFile
  }
  return {
    sim,
    options,
    // GET, as the floor sends: method auto would POST to the operation (and run it).
    tokenInputs: { 'service-name': Operation, method: 'GET', url: sim.url, token: StaticToken },
    secretInputs: {
      'service-name': Operation,
      method: 'GET',
      url: sim.url,
      tenant: sim.tenant,
      'client-id': App.clientId,
      'client-secret': App.clientSecret,
      'authority-host': sim.authorityHost
    },
    async action(label, inputs, call = {}) {
      signal.throwIfAborted()
      const target = call.sim ?? sim
      const mark = target.requests.length
      const handshakeMark = target.tlsHandshakes.length
      const run = await runAction({
        inputs,
        env: { NODE_EXTRA_CA_CERTS: sim.caFile, ...call.env },
        node: call.node ?? options.node,
        bundle: options.bundle,
        nodeArgs: call.nodeArgs,
        measurePeakRss: call.measureRss,
        lean: true,
        signal,
        killAfterMs: call.killAfterMs ?? 180_000
      })
      // Many calls end without a status: every call must have succeeded instead.
      const many = Boolean(run.outputs['total'])
      const outcome = many
        ? `failed '${run.outputs['failed'] ?? ''}' of ${run.outputs['total']} calls (expected 0)`
        : `status '${run.outputs['status'] ?? ''}' (expected 200)`
      if (
        run.exitCode !== 0 ||
        (many ? run.outputs['failed'] !== '0' : run.outputs['status'] !== '200')
      ) {
        const reason = run.annotations.find(a => a.level === 'error')?.message
        throw new Error(
          `${label}: exit code ${run.exitCode}, ${outcome}: ${reason ?? run.stderr.split('\n').pop()}`
        )
      }
      const requests = target.requests.slice(mark)
      return {
        wallMs: run.durationMs,
        maxRssKb: run.peakRssBytes === undefined ? undefined : run.peakRssBytes / 1024,
        outputs: run.outputs,
        requests,
        tlsHandshakes: target.tlsHandshakes.slice(handshakeMark),
        authorityRequests: requests.filter(r => AuthorityKinds.has(r.kind)).length,
        serviceRequests: requests.filter(r => r.kind === 'service').length
      }
    },
    async floor(floor = {}) {
      signal.throwIfAborted()
      /** @type {Record<string, string>} */
      const env = {
        ...baseEnv,
        BENCH_FLOOR_URL: `${floor.baseUrl ?? sim.url}/api/services/${floor.operation ?? Operation}`,
        BENCH_FLOOR_TOKEN: StaticToken
      }
      if (floor.payload !== undefined) env['BENCH_FLOOR_PAYLOAD'] = floor.payload
      if (floor.file !== undefined) env['BENCH_FLOOR_FILE'] = floor.file
      if (floor.signIn) {
        env['BENCH_FLOOR_SIGN_IN'] = JSON.stringify({ ...floor.signIn, ...App })
        delete env['BENCH_FLOOR_TOKEN']
      }
      if (floor.overlap) env['BENCH_FLOOR_OVERLAP'] = '1'
      const run = await runProcess({
        node: floor.node ?? options.node,
        script: path.join(here, 'floor.mjs'),
        env,
        cwd: scratch,
        measureRss: floor.measureRss,
        killAfterMs: 180_000,
        signal
      })
      if (run.exitCode !== 0 || !run.stdout.startsWith('status=200')) {
        throw new Error(
          `floor: exit code ${run.exitCode}, ${run.stdout.trim()} ${run.stderr.trim()}`
        )
      }
      return run
    },
    own(resource) {
      owned.push(resource)
      return resource
    },
    async simulator(extra = {}) {
      signal.throwIfAborted()
      const another = await startSimulator({ ...SimulatorOptions, ...extra })
      owned.push(another)
      return another
    }
  }
}
