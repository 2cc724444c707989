// @ts-check
/**
 * BENCHMARKS.md: the machine, the method, the table, the targets and the hand-written notes
 * (bench/notes.md).
 * @module
 */
import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { peakRssMethod } from '../scripts/peak-rss.mjs'
import { renderMarkdown } from './report.mjs'
import { Operation } from './session.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))

/**
 * @typedef {object} Machine
 * @property {string} cpu
 * @property {number} cores
 * @property {string} memory
 * @property {string} os
 * @property {string} node The version of the Node binary measured.
 * @property {string} date
 */

/**
 * The machine the figures come from.
 * @param {string} node The Node binary measured.
 * @returns {Machine}
 */
export function machine(node) {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim(),
    date: new Date().toISOString()
  }
}

/**
 * The lines of the Method section every scenario shares.
 * @param {import('./options.mjs').Plan} plan
 * @returns {string[]}
 */
function sharedMethod(plan) {
  return [
    'The bundle (dist/index.js) runs as a runner runs it: a child process with INPUT_* variables',
    '  (action.yml defaults for the rest), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,',
    "  GITHUB_WORKSPACE, RUNNER_TEMP and NODE_EXTRA_CA_CERTS = the simulator's CA, on loopback",
    '  (scripts/action-runner.mjs, the harness of the end-to-end tests).',
    `Floor: bench/floor.mjs, the same GET (${Operation}, operation metadata) with the same bearer`,
    '  token over bare node:https, nothing bundled.',
    'Wall time: spawn to exit, seen from the parent. The token and client-secret calls each run',
    `  ${plan.iterations} floor/call pairs after ${plan.warmup} warm-up, alternating which runs first; each ratio is`,
    '  taken within its pair, so drift cancels.',
    `Peak RSS: ${peakRssMethod}, in separate runs of the same iterations (the wrapper never adds to a`,
    '  wall time).',
    'Request counts: what the simulator received during each run (kinds token, metadata,',
    '  discovery = authority; service = F&O).'
  ]
}

/**
 * @param {object} report
 * @param {import('./options.mjs').Options} report.options
 * @param {Machine} report.machine
 * @param {string[]} report.method Each scenario's Method lines, in order.
 * @param {import('./report.mjs').Row[]} report.rows
 * @param {import('./scenarios/index.mjs').Section[]} report.sections
 * @param {{ met: boolean, text: string }[]} report.goals
 * @returns {Promise<string>}
 */
export async function renderBenchmarks({ options, machine, method, rows, sections, goals }) {
  const bullets = [...sharedMethod(options.plan), ...method]
    .map(line => (line.startsWith('  ') ? line : `- ${line}`))
    .join('\n')
  const notes = await readFile(path.join(here, 'notes.md'), 'utf8').catch(() => '')
  return `# Benchmarks

Written by \`npm run bench -- --write\` (bench/run.mjs); do not edit by hand — the notes at the end come from bench/notes.md.
${options.quick ? '\n**Quick mode: too few iterations for the figures to mean anything.**\n' : ''}
## Machine

- CPU: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM
- OS: ${machine.os}
- Node: ${machine.node}
- Date: ${machine.date}

## Method

${bullets}

## Results

${renderMarkdown(rows)}
${sections.map(section => `\n### ${section.title}\n\n${section.lines.join('\n')}\n`).join('')}
## Targets

${goals.map(goal => `- ${goal.met ? '**Met**' : '**Not met**'}: ${goal.text}`).join('\n')}

${notes}`
}
