// @ts-check
/**
 * `npm run bench [-- --quick] [-- --node=<path>] [-- --bundle=<path>]`: measures the bundled
 * action (dist/index.js) as a runner runs it (a child process with INPUT_* variables, a
 * GITHUB_OUTPUT file and NODE_EXTRA_CA_CERTS), on loopback against the simulator, side by side
 * with a bare node:https script (the floor, bench/floor.mjs).
 *
 * Full mode prints one table and writes BENCHMARKS.md. `--quick` runs a few iterations with a
 * 20 MiB body only to prove the benchmark works (CI runs it) and writes its report under
 * .bench-tmp/ instead. Either mode exits non-zero when the benchmark itself breaks — a run fails,
 * a request count is wrong, the MSAL chunk is loaded where it must not be — never because of a
 * timing.
 *
 * The Node binary is --node=<path>, else E2E_NODE (as for the end-to-end tests), else the one
 * running this. --bundle=<path> measures another build (e.g. a copy of an older dist/index.js)
 * and writes its report under .bench-tmp/ too.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  actionDefaults,
  bundlePath,
  nodeBinary,
  parseOutputFile
} from '../scripts/action-runner.mjs'
import { startSimulator } from '../sim/index.mjs'
import { rssMethod, runProcess, summarize } from './measure.mjs'
import { startRedirectProxy } from './redirect-proxy.mjs'
import {
  formatBytes,
  formatMiB,
  formatMs,
  formatRatio,
  renderConsole,
  renderMarkdown
} from './report.mjs'

/** @typedef {import('./report.mjs').Row} Row */
/** @typedef {import('./measure.mjs').Summary} Summary */
/** @typedef {import('../sim/index.mjs').Simulator} Simulator */
/** @typedef {Simulator['requests'][number]} RecordedRequest */

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
/** The bundle under test: dist/index.js, or --bundle=<path> to compare another build. */
const bundle = path.resolve(
  process.argv.find(arg => arg.startsWith('--bundle='))?.slice('--bundle='.length) || bundlePath
)
const distDir = path.dirname(bundle)
const MiB = 1024 * 1024

const quick = process.argv.includes('--quick')
const plan = quick
  ? {
      warmup: 1,
      iterations: 3,
      throttled: 1,
      large: 3,
      largeBytes: 20 * MiB,
      plateau: 0,
      cloudRuns: 1
    }
  : {
      warmup: 3,
      iterations: 21,
      throttled: 3,
      large: 15,
      largeBytes: 200 * MiB,
      plateau: 15,
      cloudRuns: 2
    }
/** A tenth of the large body, measured in full mode to show whether peak RSS grows with the body. */
const PlateauBytes = 20 * MiB

/** The operation every timed call makes (GET: its metadata), and the large-body operation. */
const Operation = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'
const LargeOperation = 'SimTestService/EchoService/Large'
const SmallBytes = 1024
/** Retry-After of the throttled answers, and how many come before the 200. */
const ThrottleWaitS = 1
const ThrottleCount = 3
/** The clouds whose metadata src/cloud-metadata.ts supplies, so MSAL asks the authority once. */
const KnownCloudHosts = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn'
]
const AuthorityKinds = new Set(['token', 'metadata', 'discovery'])

const clientId = 'bench-app-00000001'
const clientSecret = 'bench-secret~Value_0123456789'
const staticToken = 'bench-static-token-5d1e8a'

/** Everything that makes the benchmark itself wrong; any entry fails the run. */
/** @type {string[]} */
const problems = []
/**
 * @param {boolean} ok
 * @param {string} message
 */
function check(ok, message) {
  if (!ok) problems.push(message)
  return ok
}

const node =
  process.argv.find(arg => arg.startsWith('--node='))?.slice('--node='.length) || nodeBinary
const tmpRoot = path.join(root, '.bench-tmp')
await mkdir(tmpRoot, { recursive: true })
const defaults = await actionDefaults()

const sim = await startSimulator({
  clients: [{ clientId, clientSecret }],
  staticTokens: [staticToken],
  hostnames: KnownCloudHosts
})
const serviceUrl = `${sim.url}/api/services/${Operation}`
const baseEnv = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? tmpRoot,
  NODE_EXTRA_CA_CERTS: sim.caFile
}

/** @type {Record<string, string>} */
const tokenInputs = { 'service-name': Operation, url: sim.url, token: staticToken }
/** @type {Record<string, string>} */
const secretInputs = {
  'service-name': Operation,
  url: sim.url,
  tenant: sim.tenant,
  'client-id': clientId,
  'client-secret': clientSecret,
  'authority-host': sim.authorityHost
}

/**
 * @typedef {object} BundleRun
 * @property {number} wallMs
 * @property {number | undefined} maxRssKb
 * @property {Record<string, string>} outputs
 * @property {RecordedRequest[]} requests What the simulator received during the run.
 * @property {number} authorityRequests Requests to Entra (token, OpenID metadata, discovery).
 * @property {number} serviceRequests Requests to F&O.
 * @property {number | undefined} responseFileBytes Size of the response-file output's file.
 */

/**
 * Runs dist/index.js as a runner does: action.yml defaults for inputs not given, INPUT_*
 * variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE, RUNNER_TEMP and a clean
 * environment. A failed run is recorded as a problem.
 * @param {string} label
 * @param {Record<string, string>} inputs
 * @param {{ measureRss?: boolean, env?: Record<string, string>, nodeArgs?: string[] }} [options]
 * @returns {Promise<BundleRun>}
 */
async function runBundle(label, inputs, options = {}) {
  const dir = await mkdtemp(path.join(tmpRoot, 'run-'))
  const workspace = path.join(dir, 'workspace')
  const runnerTemp = path.join(dir, 'runner-temp')
  const outputPath = path.join(dir, 'github-output')
  const summaryPath = path.join(dir, 'step-summary')
  await Promise.all([mkdir(workspace), mkdir(runnerTemp)])
  await Promise.all([writeFile(outputPath, ''), writeFile(summaryPath, '')])
  /** @type {Record<string, string>} */
  const env = {
    ...baseEnv,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    ...options.env
  }
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }

  const mark = sim.requests.length
  try {
    const run = await runProcess({
      node,
      script: bundle,
      nodeArgs: options.nodeArgs,
      env,
      cwd: workspace,
      measureRss: options.measureRss,
      killAfterMs: 180_000
    })
    const requests = sim.requests.slice(mark)
    const outputs = parseOutputFile(await readFile(outputPath, 'utf8'))
    const file = outputs['response-file']
    const responseFileBytes = file ? (await stat(file).catch(() => undefined))?.size : undefined
    if (run.exitCode !== 0 || outputs['status'] !== '200') {
      const reason = /^::error::(.*)$/m.exec(run.stdout)?.[1] ?? run.stderr.split('\n').pop()
      check(
        false,
        `${label}: exit code ${run.exitCode}, status '${outputs['status'] ?? ''}' (expected 200): ${reason ?? ''}`
      )
    }
    return {
      wallMs: run.wallMs,
      maxRssKb: run.maxRssKb,
      outputs,
      requests,
      authorityRequests: requests.filter(r => AuthorityKinds.has(r.kind)).length,
      serviceRequests: requests.filter(r => r.kind === 'service').length,
      responseFileBytes
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs the floor: bench/floor.mjs, the same GET with the same token over bare node:https.
 * @param {{ measureRss?: boolean }} [options]
 */
async function runFloor(options = {}) {
  const run = await runProcess({
    node,
    script: path.join(here, 'floor.mjs'),
    env: { ...baseEnv, BENCH_FLOOR_URL: serviceUrl, BENCH_FLOOR_TOKEN: staticToken },
    cwd: tmpRoot,
    measureRss: options.measureRss
  })
  check(
    run.exitCode === 0 && run.stdout.startsWith('status=200'),
    `floor: exit code ${run.exitCode}, ${run.stdout.trim()} ${run.stderr.trim()}`
  )
  return run
}

/**
 * Records the request counts of a client-secret or token call against what they must be.
 * @param {string} label
 * @param {BundleRun} run
 * @param {{ authority: Record<string, number>, service: number }} expected
 */
function checkRequests(label, run, expected) {
  const kinds = /** @type {Record<string, number>} */ ({})
  for (const request of run.requests) kinds[request.kind] = (kinds[request.kind] ?? 0) + 1
  const authorityOk = [...AuthorityKinds].every(
    kind => (kinds[kind] ?? 0) === (expected.authority[kind] ?? 0)
  )
  check(
    authorityOk && run.serviceRequests === expected.service,
    `${label}: the simulator saw ${JSON.stringify(kinds)}; expected ${JSON.stringify({ ...expected.authority, service: expected.service })}`
  )
}

/** What a client-secret call with authority-host = the simulator must send. */
const customHostRequests = { authority: { metadata: 1, token: 1 }, service: 1 }

console.log(
  `Benchmark (${quick ? 'quick' : 'full'}): ${plan.iterations} iterations after ${plan.warmup} warm-up, ` +
    `node ${node}, simulator ${sim.url}`
)

// 1. Floor, token and client-secret calls: wall time in pairs (A B, then B A), peak RSS in
//    separate runs so the RSS wrapper never adds to a wall time.
const samples = {
  floorWall: /** @type {number[]} */ ([]),
  tokenWall: /** @type {number[]} */ ([]),
  secretWall: /** @type {number[]} */ ([]),
  tokenRatio: /** @type {number[]} */ ([]),
  secretRatio: /** @type {number[]} */ ([]),
  floorRss: /** @type {number[]} */ ([]),
  tokenRss: /** @type {number[]} */ ([]),
  secretRss: /** @type {number[]} */ ([]),
  tokenRssRatio: /** @type {number[]} */ ([]),
  secretRssRatio: /** @type {number[]} */ ([]),
  secretAuthority: /** @type {number[]} */ ([]),
  secretService: /** @type {number[]} */ ([]),
  tokenService: /** @type {number[]} */ ([])
}
for (let i = 0; i < plan.warmup + plan.iterations; i++) {
  const measured = i >= plan.warmup
  const floorFirst = i % 2 === 0
  for (const kind of /** @type {const} */ (['token', 'secret'])) {
    const call = () =>
      runBundle(
        kind === 'token' ? 'token call' : 'client-secret call',
        kind === 'token' ? tokenInputs : secretInputs
      )
    /** @type {{ wallMs: number }} */
    let floor
    /** @type {BundleRun} */
    let run
    if (floorFirst) {
      floor = await runFloor()
      run = await call()
    } else {
      run = await call()
      floor = await runFloor()
    }
    if (kind === 'token') {
      checkRequests('token call', run, { authority: {}, service: 1 })
    } else {
      checkRequests('client-secret call', run, customHostRequests)
    }
    if (!measured) continue
    samples.floorWall.push(floor.wallMs)
    samples[`${kind}Wall`].push(run.wallMs)
    samples[`${kind}Ratio`].push(run.wallMs / floor.wallMs)
    if (kind === 'token') samples.tokenService.push(run.serviceRequests)
    else {
      samples.secretAuthority.push(run.authorityRequests)
      samples.secretService.push(run.serviceRequests)
    }
  }

  const floorRss = await runFloor({ measureRss: true })
  const tokenRss = await runBundle('token call (RSS)', tokenInputs, { measureRss: true })
  const secretRss = await runBundle('client-secret call (RSS)', secretInputs, { measureRss: true })
  checkRequests('token call (RSS)', tokenRss, { authority: {}, service: 1 })
  checkRequests('client-secret call (RSS)', secretRss, customHostRequests)
  if (!measured) continue
  const floorKb = floorRss.maxRssKb ?? NaN
  samples.floorRss.push(floorKb)
  samples.tokenRss.push(tokenRss.maxRssKb ?? NaN)
  samples.secretRss.push(secretRss.maxRssKb ?? NaN)
  samples.tokenRssRatio.push((tokenRss.maxRssKb ?? NaN) / floorKb)
  samples.secretRssRatio.push((secretRss.maxRssKb ?? NaN) / floorKb)
}

// 2. Known clouds: authority-host stays login.microsoftonline.com (.us, .cn) so MSAL is given
//    src/cloud-metadata.ts's metadata; a loopback CONNECT proxy sends the tunnels to the simulator,
//    whose certificate covers those names.
const proxy = await startRedirectProxy(sim.port)
/** @type {{ host: string, authority: number[], service: number[] }[]} */
const clouds = []
try {
  for (const host of KnownCloudHosts) {
    const cloud = {
      host,
      authority: /** @type {number[]} */ ([]),
      service: /** @type {number[]} */ ([])
    }
    for (let i = 0; i < plan.cloudRuns; i++) {
      const tunnels = proxy.tunnels.length
      const run = await runBundle(
        `client-secret call via ${host}`,
        { ...secretInputs, 'authority-host': `https://${host}` },
        { env: { HTTPS_PROXY: proxy.url } }
      )
      check(
        proxy.tunnels.slice(tunnels).every(tunnel => tunnel === `${host}:443`),
        `client-secret call via ${host}: unexpected tunnels ${proxy.tunnels.slice(tunnels).join(', ')}`
      )
      checkRequests(`client-secret call via ${host}`, run, { authority: { token: 1 }, service: 1 })
      cloud.authority.push(run.authorityRequests)
      cloud.service.push(run.serviceRequests)
    }
    clouds.push(cloud)
  }
} finally {
  await proxy.close()
}

// 3. Lazy loading: which files of dist/ each path loads, logged by loader hooks.
const chunkFiles = (await readdir(distDir)).filter(
  name => name.endsWith('.js') && name !== 'index.js'
)
/** @type {string[]} Chunks holding MSAL itself, told by a header name only MSAL's code spells. */
const msalChunks = []
for (const name of chunkFiles) {
  if ((await readFile(path.join(distDir, name), 'utf8')).includes('x-client-SKU'))
    msalChunks.push(name)
}
/**
 * Packages src/ loads with import() only when a run needs them, each told by a string only its
 * code spells: iconv-lite for a payload-charset other than UTF-8, jsonc-parser to locate the
 * error in an invalid payload.
 */
const onDemandPackages = [
  {
    name: 'iconv-lite',
    marker: 'Encoding not recognized',
    use: 'a payload-charset other than UTF-8'
  },
  { name: 'jsonc-parser', marker: 'PropertyNameExpected', use: 'an invalid payload' }
]
/** @type {Record<string, (typeof onDemandPackages)[number]>} chunk file → the package it holds */
const onDemandChunks = {}
for (const name of chunkFiles) {
  const source = await readFile(path.join(distDir, name), 'utf8')
  for (const pkg of onDemandPackages) if (source.includes(pkg.marker)) onDemandChunks[name] = pkg
}
const indexSource = await readFile(bundle, 'utf8')
const msalInIndex = indexSource.includes('x-client-SKU')
const onDemandInIndex = onDemandPackages
  .filter(pkg => indexSource.includes(pkg.marker))
  .map(pkg => pkg.name)
/** Dependencies of dependencies that no code path of the action reaches (src/stand-ins/). */
const unreachedInIndex = [
  ['undici', 'llhttp'],
  ['@actions/exec', 'toolPath must not be empty'],
  ['@actions/io', 'rmRF']
]
  .filter(([, marker]) => indexSource.includes(marker))
  .map(([name]) => name)
check(!msalInIndex, 'MSAL is bundled into dist/index.js instead of a lazily loaded chunk')
check(msalChunks.length > 0, 'No chunk of dist/ holds MSAL')

/**
 * @param {string} label
 * @param {Record<string, string>} inputs
 * @returns {Promise<string[]>} the dist/ files the run loaded
 */
async function loadedDistFiles(label, inputs) {
  const log = path.join(tmpRoot, `modules-${process.pid}-${label}.log`)
  await writeFile(log, '')
  await runBundle(`${label} (module log)`, inputs, {
    nodeArgs: ['--import', pathToFileURL(path.join(here, 'module-log.mjs')).href],
    env: { BENCH_MODULE_LOG: log }
  })
  const distUrl = pathToFileURL(distDir).href + '/'
  const urls = (await readFile(log, 'utf8')).split('\n').filter(url => url.startsWith(distUrl))
  await rm(log, { force: true })
  return [...new Set(urls.map(url => url.slice(distUrl.length)))].sort()
}
const tokenLoads = await loadedDistFiles('token', tokenInputs)
const secretLoads = await loadedDistFiles('secret', secretInputs)
const tokenLoadsOnlyIndex = tokenLoads.length === 1 && tokenLoads[0] === 'index.js'
check(tokenLoadsOnlyIndex, `The token path loaded ${tokenLoads.join(', ')}; expected index.js only`)
const secretLoadsMsal =
  msalChunks.length > 0 && msalChunks.every(name => secretLoads.includes(name))
check(
  secretLoadsMsal,
  `The client-secret path loaded ${secretLoads.join(', ')}; expected the MSAL chunk ${msalChunks.join(', ')} (the hook sees no chunks?)`
)

// 4. 429: three answers of 429 with Retry-After: 1, then the simulator's 200.
const throttle = {
  overhead: /** @type {number[]} */ ([]),
  callOverhead: /** @type {number[]} */ ([]),
  requests: /** @type {number[]} */ ([])
}
const demandedMs = ThrottleCount * ThrottleWaitS * 1000
for (let i = 0; i < plan.throttled; i++) {
  sim.script(
    Operation,
    Array.from({ length: ThrottleCount }, () => ({
      status: 429,
      headers: { 'Retry-After': String(ThrottleWaitS) },
      body: { Message: 'Too many requests (benchmark)' }
    }))
  )
  const run = await runBundle('429 call', tokenInputs)
  checkRequests('429 call', run, { authority: {}, service: ThrottleCount + 1 })
  check(
    run.outputs['attempts'] === String(ThrottleCount + 1),
    `429 call: attempts output '${run.outputs['attempts']}', expected ${ThrottleCount + 1}`
  )
  if (run.serviceRequests !== ThrottleCount + 1) sim.reset()
  throttle.overhead.push(run.wallMs - demandedMs)
  throttle.callOverhead.push(Number(run.outputs['elapsed-ms']) - demandedMs)
  throttle.requests.push(run.serviceRequests)
}

// 5. Large body: peak RSS of a 1 KiB body and of plan.largeBytes streamed to response-file,
//    in pairs (small first, then large first); and, for scale, the floor piping the large body
//    to a file with bare node:https.
const large = {
  small: /** @type {number[]} */ ([]),
  big: /** @type {number[]} */ ([]),
  ratio: /** @type {number[]} */ ([]),
  bigWall: /** @type {number[]} */ ([]),
  floorBig: /** @type {number[]} */ ([]),
  bigToFloor: /** @type {number[]} */ ([])
}
/** @param {number} bytes */
async function largeFloor(bytes) {
  const file = path.join(tmpRoot, `floor-body-${process.pid}.json`)
  const run = await runProcess({
    node,
    script: path.join(here, 'floor.mjs'),
    env: {
      ...baseEnv,
      BENCH_FLOOR_URL: `${sim.url}/api/services/${LargeOperation}`,
      BENCH_FLOOR_TOKEN: staticToken,
      BENCH_FLOOR_PAYLOAD: JSON.stringify({ bytes }),
      BENCH_FLOOR_FILE: file
    },
    cwd: tmpRoot,
    measureRss: true,
    killAfterMs: 180_000
  })
  const written = (await stat(file).catch(() => undefined))?.size
  await rm(file, { force: true })
  check(
    run.exitCode === 0 && written === bytes,
    `large-body floor: exit code ${run.exitCode}, ${written} bytes written, ${run.stderr.trim()}`
  )
  return run
}
/** @param {number} bytes */
async function largeCall(bytes) {
  const run = await runBundle(
    `large body (${bytes} bytes)`,
    {
      'service-name': LargeOperation,
      payload: JSON.stringify({ bytes }),
      url: sim.url,
      token: staticToken,
      'response-file': 'bench/body.json'
    },
    { measureRss: true }
  )
  check(
    run.responseFileBytes === bytes,
    `large body (${bytes} bytes): response-file holds ${run.responseFileBytes} bytes`
  )
  check(
    bytes > MiB ? run.outputs['response'] === '' : run.outputs['response']?.length === bytes,
    `large body (${bytes} bytes): the response output holds ${run.outputs['response']?.length} characters`
  )
  return run
}
for (let i = 0; i < 1 + plan.large; i++) {
  const smallFirst = i % 2 === 0
  const first = await largeCall(smallFirst ? SmallBytes : plan.largeBytes)
  const second = await largeCall(smallFirst ? plan.largeBytes : SmallBytes)
  if (i === 0) continue
  const [small, big] = smallFirst ? [first, second] : [second, first]
  large.small.push(small.maxRssKb ?? NaN)
  large.big.push(big.maxRssKb ?? NaN)
  large.ratio.push((big.maxRssKb ?? NaN) / (small.maxRssKb ?? NaN))
  large.bigWall.push(big.wallMs)
  const floor = await largeFloor(plan.largeBytes)
  large.floorBig.push(floor.maxRssKb ?? NaN)
  large.bigToFloor.push((big.maxRssKb ?? NaN) / (floor.maxRssKb ?? NaN))
}
/** @type {number[]} */
const plateauRss = []
for (let i = 0; i < plan.plateau; i++)
  plateauRss.push((await largeCall(PlateauBytes)).maxRssKb ?? NaN)

await sim.close()

// 6. Bundle size.
const distFiles = []
for (const name of (await readdir(distDir)).sort()) {
  distFiles.push({ name, bytes: (await stat(path.join(distDir, name))).size })
}

// The table.
/** @param {Summary} s @param {(n: number) => string} format */
const range = (s, format) => `${format(s.min)}–${format(s.max)} (${s.count})`
/** @param {Summary} s */
const ratioCell = s => `${formatRatio(s.median)} (${formatRatio(s.min)}–${formatRatio(s.max)})`
/** @param {readonly number[]} counts */
const countCell = counts => {
  const distinct = [...new Set(counts)]
  return distinct.length === 1
    ? String(distinct[0])
    : `${Math.min(...counts)}–${Math.max(...counts)}`
}
/** @param {boolean} ok @returns {'yes' | 'no'} */
const met = ok => (ok ? 'yes' : 'no')

const floorWall = summarize(samples.floorWall)
const tokenWall = summarize(samples.tokenWall)
const secretWall = summarize(samples.secretWall)
const tokenRatio = summarize(samples.tokenRatio)
const secretRatio = summarize(samples.secretRatio)
const floorRss = summarize(samples.floorRss)
const tokenRss = summarize(samples.tokenRss)
const secretRss = summarize(samples.secretRss)
const throttleOverhead = summarize(throttle.overhead)
const throttleCall = summarize(throttle.callOverhead)
const smallRss = summarize(large.small)
const bigRss = summarize(large.big)
const bigRatio = summarize(large.ratio)
const bigWall = summarize(large.bigWall)
const floorBigRss = summarize(large.floorBig)
const throttleBudgetMs = demandedMs * 0.05 + 200
const knownCloudsOk = clouds.every(c => c.authority.every(n => n === 1))
const serviceOnce = [
  ...samples.tokenService,
  ...samples.secretService,
  ...clouds.flatMap(c => c.service)
].every(n => n === 1)

const targets = {
  token: tokenRatio.median <= 1.3,
  knownClouds: knownCloudsOk,
  serviceOnce,
  lazy: tokenLoadsOnlyIndex && !msalInIndex && secretLoadsMsal,
  throttle:
    throttleOverhead.median <= throttleBudgetMs &&
    throttle.requests.every(n => n === ThrottleCount + 1),
  large: bigRatio.median <= 1.2
}
const largeLabel = formatBytes(plan.largeBytes)

/** @type {Row[]} */
const rows = [
  {
    measure: 'Floor (bare node:https GET): wall',
    value: formatMs(floorWall.median),
    range: range(floorWall, formatMs),
    ratio: '1.00×',
    target: '',
    met: ''
  },
  {
    measure: 'Floor: peak RSS',
    value: formatMiB(floorRss.median),
    range: range(floorRss, formatMiB),
    ratio: '1.00×',
    target: '',
    met: ''
  },
  {
    measure: 'token call: wall',
    value: formatMs(tokenWall.median),
    range: range(tokenWall, formatMs),
    ratio: ratioCell(tokenRatio),
    target: '≤ 1.30× floor (median)',
    met: met(targets.token)
  },
  {
    measure: 'token call: peak RSS',
    value: formatMiB(tokenRss.median),
    range: range(tokenRss, formatMiB),
    ratio: ratioCell(summarize(samples.tokenRssRatio)),
    target: '',
    met: ''
  },
  {
    measure: 'token call: F&O requests',
    value: countCell(samples.tokenService),
    range: '',
    ratio: '',
    target: '= 1',
    met: met(samples.tokenService.every(n => n === 1))
  },
  {
    measure: 'client-secret call (authority = simulator): wall',
    value: formatMs(secretWall.median),
    range: range(secretWall, formatMs),
    ratio: ratioCell(secretRatio),
    target: '',
    met: ''
  },
  {
    measure: 'client-secret call: peak RSS',
    value: formatMiB(secretRss.median),
    range: range(secretRss, formatMiB),
    ratio: ratioCell(summarize(samples.secretRssRatio)),
    target: '',
    met: ''
  },
  {
    measure: 'client-secret call (authority = simulator): authority requests',
    value: countCell(samples.secretAuthority),
    range: 'OpenID configuration + token',
    ratio: '',
    target: '= 2 (custom host)',
    met: met(samples.secretAuthority.every(n => n === 2))
  },
  ...clouds.map(
    /** @returns {Row} */ c => ({
      measure: `client-secret call (authority = ${c.host}): authority requests`,
      value: countCell(c.authority),
      range: `token only (${c.authority.length})`,
      ratio: '',
      target: '= 1',
      met: met(c.authority.every(n => n === 1))
    })
  ),
  {
    measure: 'client-secret call: F&O requests',
    value: countCell([...samples.secretService, ...clouds.flatMap(c => c.service)]),
    range: '',
    ratio: '',
    target: '= 1',
    met: met(serviceOnce)
  },
  {
    measure: 'token path loads the MSAL chunk',
    value: tokenLoadsOnlyIndex ? 'no' : 'yes',
    range: `loads ${tokenLoads.join(', ')}`,
    ratio: '',
    target: 'no (index.js only)',
    met: met(tokenLoadsOnlyIndex && !msalInIndex)
  },
  {
    measure: 'client-secret path loads the MSAL chunk (control)',
    value: secretLoadsMsal ? 'yes' : 'no',
    range: `loads ${secretLoads.join(', ')}`,
    ratio: '',
    target: 'yes',
    met: met(secretLoadsMsal)
  },
  {
    measure: 'dist/index.js holds undici, @actions/exec, @actions/io',
    value: unreachedInIndex.length ? unreachedInIndex.join(', ') : 'none',
    range: 'code no path reaches (src/stand-ins/)',
    ratio: '',
    target: 'none',
    met: met(unreachedInIndex.length === 0)
  },
  {
    measure: `dist/index.js holds ${onDemandPackages.map(pkg => pkg.name).join(', ')}`,
    value: onDemandInIndex.length ? onDemandInIndex.join(', ') : 'none',
    range: 'loaded with import() only when needed',
    ratio: '',
    target: 'none',
    met: met(onDemandInIndex.length === 0)
  },
  {
    measure: `${ThrottleCount}× 429 (Retry-After: ${ThrottleWaitS}) then 200: wall − ${demandedMs / 1000} s`,
    value: formatMs(throttleOverhead.median),
    range: range(throttleOverhead, formatMs),
    ratio: '',
    target: `≤ ${throttleBudgetMs} ms (5 % + 200 ms)`,
    met: met(throttleOverhead.median <= throttleBudgetMs)
  },
  {
    measure: `429: elapsed-ms output − ${demandedMs / 1000} s (the call alone)`,
    value: formatMs(throttleCall.median),
    range: range(throttleCall, formatMs),
    ratio: '',
    target: '',
    met: ''
  },
  {
    measure: '429: F&O requests',
    value: countCell(throttle.requests),
    range: '',
    ratio: '',
    target: `= ${ThrottleCount + 1}`,
    met: met(throttle.requests.every(n => n === ThrottleCount + 1))
  },
  {
    measure: '1 KiB body to response-file: peak RSS',
    value: formatMiB(smallRss.median),
    range: range(smallRss, formatMiB),
    ratio: '',
    target: '',
    met: ''
  },
  {
    measure: `${largeLabel} body to response-file: peak RSS`,
    value: formatMiB(bigRss.median),
    range: range(bigRss, formatMiB),
    ratio: `${ratioCell(bigRatio)} of 1 KiB`,
    target: '≤ 1.20× the 1 KiB call',
    met: met(targets.large)
  },
  ...(plateauRss.length
    ? [
        /** @type {Row} */ ({
          measure: `${formatBytes(PlateauBytes)} body to response-file: peak RSS`,
          value: formatMiB(summarize(plateauRss).median),
          range: range(summarize(plateauRss), formatMiB),
          ratio: `${formatRatio(summarize(plateauRss).median / smallRss.median)} of 1 KiB`,
          target: '',
          met: ''
        })
      ]
    : []),
  {
    measure: `Floor piping ${largeLabel} to a file: peak RSS`,
    value: formatMiB(floorBigRss.median),
    range: range(floorBigRss, formatMiB),
    ratio: `action ${ratioCell(summarize(large.bigToFloor))}`,
    target: '',
    met: ''
  },
  {
    measure: `${largeLabel} body to response-file: wall`,
    value: formatMs(bigWall.median),
    range: range(bigWall, formatMs),
    ratio: '',
    target: '',
    met: ''
  },
  ...distFiles.map(
    /** @returns {Row} */ f => ({
      measure: `dist/${f.name}`,
      value: formatBytes(f.bytes),
      range:
        f.name === 'index.js'
          ? 'loaded by every run'
          : msalChunks.includes(f.name)
            ? 'MSAL: loaded to acquire a token'
            : onDemandChunks[f.name]
              ? `${onDemandChunks[f.name].name}: loaded for ${onDemandChunks[f.name].use}`
              : f.name.endsWith('.js')
                ? 'loaded to acquire a token'
                : '',
      ratio: '',
      target: '',
      met: ''
    })
  ),
  {
    measure: 'dist/ total',
    value: formatBytes(distFiles.reduce((sum, f) => sum + f.bytes, 0)),
    range: '',
    ratio: '',
    target: '',
    met: ''
  }
]

const nodeVersion = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()
const cpus = os.cpus()
const machine = {
  cpu: cpus[0]?.model.trim() ?? 'unknown',
  cores: cpus.length,
  memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: nodeVersion,
  date: new Date().toISOString()
}

console.log()
console.log(renderConsole(rows))
console.log()
console.log(
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}; ${machine.os}; Node ${machine.node}; ${machine.date}`
)

/** @param {boolean} ok @param {string} text */
const targetLine = (ok, text) => `- ${ok ? '**Met**' : '**Not met**'}: ${text}`
const markdown = `# Benchmarks

Written by \`npm run bench\` (bench/run.mjs); do not edit by hand — the notes at the end come from bench/notes.md.
${quick ? '\n**Quick mode: too few iterations for the figures to mean anything.**\n' : ''}
## Machine

- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM
- OS: ${machine.os}
- Node: ${machine.node}
- Date: ${machine.date}

## Method

- The bundle (dist/index.js) runs as a runner runs it: a child process with INPUT_* variables
  (action.yml defaults for the rest), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
  GITHUB_WORKSPACE, RUNNER_TEMP and NODE_EXTRA_CA_CERTS = the simulator's CA, on loopback.
- Floor: bench/floor.mjs, the same GET (${Operation}, operation metadata) with the same bearer
  token over bare node:https, nothing bundled.
- Wall time: spawn to exit, seen from the parent. ${plan.iterations} iterations after ${plan.warmup} warm-up; each
  iteration runs a floor/token pair and a floor/client-secret pair, alternating which runs first,
  and each ratio is taken within its pair, so drift cancels.
- Peak RSS: ${rssMethod}, in separate runs of the same iterations (the wrapper never adds to a
  wall time).
- Request counts: what the simulator received during each run (kinds token, metadata,
  discovery = authority; service = F&O).
- 429: ${plan.throttled} runs; the simulator answers ${ThrottleCount}× 429 with \`Retry-After: ${ThrottleWaitS}\`, then 200.
- Large body: ${plan.large} pairs (1 KiB, ${largeLabel}) after one warm-up pair, alternating order, each
  body streamed by \`${LargeOperation}\` to \`response-file\`.
- Lazy loading: one run per path with \`node --import bench/module-log.mjs\`, whose loader hooks log
  every module the process loads; the MSAL chunk is the chunk of dist/ that holds MSAL's
  \`x-client-SKU\` header name.

## Results

${renderMarkdown(rows)}

## Targets

${targetLine(targets.token, `token call ≤ 1.3× the floor's wall time: median ratio ${formatRatio(tokenRatio.median)} (${formatMs(tokenWall.median)} vs ${formatMs(floorWall.median)}).`)}
${targetLine(targets.knownClouds, `client-secret sends exactly one request to the authority for the public, US Gov and China clouds: ${clouds.map(c => `${c.host} ${countCell(c.authority)}`).join(', ')}. With the simulator as \`authority-host\` (a custom host, no metadata supplied) MSAL fetches the OpenID configuration once, so ${countCell(samples.secretAuthority)} there.`)}
${targetLine(targets.serviceOnce, `exactly one request to F&O when unthrottled: ${countCell([...samples.tokenService, ...samples.secretService, ...clouds.flatMap(c => c.service)])} in every run.`)}
${targetLine(targets.lazy, `MSAL is a separate chunk (${msalChunks.join(', ')}) that the token path never loads (it loads ${tokenLoads.join(', ')}); the client-secret path loads ${secretLoads.join(', ')}.`)}
${targetLine(targets.throttle, `429: ${formatMs(throttleOverhead.median)} over the ${demandedMs / 1000} s demanded (≤ ${throttleBudgetMs} ms), ${countCell(throttle.requests)} requests.`)}
${targetLine(targets.large, `peak RSS for ${largeLabel} streamed ≤ 1.2× the 1 KiB call's: median ratio ${formatRatio(bigRatio.median)} (${formatMiB(bigRss.median)} vs ${formatMiB(smallRss.median)}).`)}
${problems.length ? `\n## Problems\n\n${problems.map(p => `- ${p}`).join('\n')}\n` : ''}
${await readFile(path.join(here, 'notes.md'), 'utf8').catch(() => '')}`

const otherBundle = bundle !== path.resolve(bundlePath)
const reportPath =
  quick || otherBundle
    ? path.join(tmpRoot, `BENCHMARKS.${quick ? 'quick' : 'other-bundle'}.md`)
    : path.join(root, 'BENCHMARKS.md')
await writeFile(reportPath, markdown)
await writeFile(
  path.join(
    tmpRoot,
    path.basename(reportPath).replace('BENCHMARKS', 'results').replace(/\.md$/, '.json')
  ),
  JSON.stringify(
    {
      machine,
      plan,
      samples,
      throttle,
      large,
      clouds,
      tokenLoads,
      secretLoads,
      msalChunks,
      distFiles,
      problems
    },
    null,
    2
  )
)
console.log(`Report: ${path.relative(root, reportPath)}`)

if (problems.length > 0) {
  console.error(
    `\nThe benchmark is broken (${problems.length} problem${problems.length > 1 ? 's' : ''}):`
  )
  for (const problem of problems) console.error(`- ${problem}`)
  process.exitCode = 1
}
