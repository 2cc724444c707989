// @ts-check
/**
 * `npm run demo`: starts the built-in F&O + Entra ID simulator on 127.0.0.1 and runs the bundled
 * action against it as a runner would, once with a client secret and once for discovery,
 * printing the step log and the outputs.
 */
import { startSimulator } from '../sim/index.mjs'
import { runAction } from './action-runner.mjs'

const clientId = 'demo-app-11111111'
const clientSecret = 'demo-secret-value'
const sim = await startSimulator({ clients: [{ clientId, clientSecret }] })

/**
 * @param {string} title
 * @param {Record<string, string>} inputs
 */
async function step(title, inputs) {
  console.log(`\n=== ${title}`)
  console.log(`with: ${JSON.stringify({ ...inputs, 'client-secret': '***' }, null, 2)}`)
  const run = await runAction({ inputs, env: { NODE_EXTRA_CA_CERTS: sim.caFile } })
  console.log('--- step log')
  process.stdout.write(run.stdout.replace(/^::add-mask::.*\n/gm, ''))
  console.log(`--- exit code ${run.exitCode} in ${Math.round(run.durationMs)} ms; outputs:`)
  for (const [name, value] of Object.entries(run.outputs)) {
    console.log(`  ${name}: ${value.length > 400 ? `${value.slice(0, 400)}…` : value}`)
  }
  return run.exitCode
}

const common = {
  tenant: sim.tenant,
  url: sim.url,
  'authority-host': sim.authorityHost,
  'client-id': clientId,
  'client-secret': clientSecret
}
try {
  console.log(`F&O simulator at ${sim.url} (tenant ${sim.tenant})`)
  const codes = [
    await step('Call UserSessionService/AifUserSessionService/GetUserSessionInfo', {
      ...common,
      'service-name': 'UserSessionService/AifUserSessionService/GetUserSessionInfo',
      method: 'POST'
    }),
    await step('List the services of a service group', {
      ...common,
      'service-name': 'UserSessionService'
    })
  ]
  process.exitCode = codes.some(code => code !== 0) ? 1 : 0
} finally {
  await sim.close()
}
