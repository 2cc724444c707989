// @ts-check
/**
 * `npm run bench [-- --quick] [-- --write] [-- --only=<scenario,...>] [-- --node=<path>]
 * [-- --second-node=<path>] [-- --bundle=<path>]`: measures
 * the bundled action (dist/index.js) as a runner runs it, on loopback against the simulator, side
 * by side with a bare node:https script (the floor, bench/floor.mjs), and prints one table.
 *
 * Each scenario (bench/scenarios/) measures; the targets (bench/targets.mjs) judge; whether the
 * action behaves as the figures assume is tested under __tests__/bench/. `--write` also writes
 * BENCHMARKS.md (a full run of dist/ only; a --quick run or another --bundle goes under
 * .bench-tmp/). `--quick` runs a few iterations with a 20 MiB body only to prove the benchmark
 * works (CI runs it). The run exits non-zero when the benchmark itself breaks — a run fails, a
 * scenario throws, Ctrl-C — never because a target is missed.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { machine as describeMachine, renderBenchmarks } from './benchmarks-md.mjs'
import { parseOptions, root, scratch } from './options.mjs'
import { floorRows } from './paired.mjs'
import { renderConsole } from './report.mjs'
import { Scenarios } from './scenarios/index.mjs'
import { Interrupted, withSession } from './session.mjs'
import { Goals } from './goals.mjs'
import { judge, Targets } from './targets.mjs'

/** @typedef {import('./scenarios/index.mjs').Results} Results */
/** @typedef {import('./report.mjs').Row} Row */

/**
 * The table: the floor's rows, then each scenario's, with the Target and Met cells of the
 * target each row names.
 * @param {Results} results
 * @param {Map<string, boolean>} verdicts
 * @returns {Row[]}
 */
function tableRows(results, verdicts) {
  // The floor runs in the pairs of both call scenarios; its rows pool them.
  const paired = /** @type {import('./paired.mjs').PairedResult[]} */ (
    ['token-call', 'client-secret'].map(id => results[id]).filter(Boolean)
  )
  const ran = Scenarios.filter(s => results[s.id])
  const floor = paired.length ? floorRows(paired) : []
  const specs = [...floor, ...ran.flatMap(s => s.rows(results[s.id], results))]
  return specs.map(spec => {
    const target = Targets.find(t => t.id === spec.target)
    if (spec.target && !target) throw new Error(`A row names an unknown target: ${spec.target}`)
    const met = target ? verdicts.get(target.id) : undefined
    return {
      measure: spec.measure,
      value: spec.value,
      range: spec.range ?? '',
      ratio: spec.ratio ?? '',
      target: target?.label ?? '',
      met: met === undefined ? '' : met ? 'yes' : 'no'
    }
  })
}

/** @param {readonly string[]} args */
async function main(args) {
  const options = parseOptions(
    args,
    Scenarios.map(s => s.id)
  )
  const scenarios = Scenarios.filter(s => !options.only || options.only.includes(s.id))
  const { plan } = options
  console.log(
    `Benchmark (${options.quick ? 'quick' : 'full'}): ${plan.iterations} iterations after ${plan.warmup} warm-up, ` +
      `node ${options.node}${options.secondNode ? ` (and ${options.secondNode} for the latency table)` : ''}, ` +
      `bundle ${path.relative(root, options.bundle) || options.bundle}`
  )

  const results = await withSession(options, async session => {
    /** @type {Results} */
    const results = {}
    for (const scenario of scenarios) {
      const started = performance.now()
      results[scenario.id] = await scenario.run(session)
      console.log(`- ${scenario.id}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
    }
    return results
  })

  const verdicts = judge(results)
  const rows = tableRows(results, verdicts)
  const machine = describeMachine(options.node)
  /** @param {string} id */
  const ranFor = id =>
    [Targets.find(t => t.id === id)?.scenario ?? []].flat().every(scenario => results[scenario])
  const goals = Goals.filter(goal => goal.targets.every(ranFor)).map(goal => ({
    met: goal.targets.every(id => verdicts.get(id)),
    text: goal.text(results)
  }))

  const sections = scenarios.flatMap(s => (s.section ? [s.section(results[s.id])] : []))

  console.log()
  console.log(renderConsole(rows))
  for (const section of sections) console.log(`\n${section.title}\n\n${section.lines.join('\n')}`)
  console.log()
  for (const goal of goals) console.log(`${goal.met ? 'Met' : 'Not met'}: ${goal.text}`)
  console.log()
  console.log(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}; ${machine.os}; Node ${machine.node}; ${machine.date}`
  )

  // The samples of every run, to compare runs or builds later (git-ignored).
  await mkdir(scratch, { recursive: true })
  const samplesFile = path.join(
    scratch,
    `results.${options.quick ? 'quick' : 'full'}${options.only ? `.${options.only.join('+')}` : ''}.json`
  )
  const verdictsById = Object.fromEntries(verdicts)
  await writeFile(
    samplesFile,
    JSON.stringify(
      { machine, plan, bundle: options.bundle, results, verdicts: verdictsById },
      null,
      2
    )
  )
  console.log(`Samples: ${path.relative(root, samplesFile)}`)

  if (options.reportPath) {
    const method = scenarios.flatMap(s => s.method(plan))
    await writeFile(
      options.reportPath,
      await renderBenchmarks({ options, machine, method, rows, sections, goals })
    )
    console.log(`Report: ${path.relative(root, options.reportPath)}`)
  }
}

try {
  await main(process.argv.slice(2))
} catch (error) {
  const interrupted = error instanceof Interrupted
  console.error(`\nThe benchmark broke: ${error instanceof Error ? error.message : error}`)
  process.exitCode = interrupted ? 130 : 1
}
