import { beforeAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { bundlePath } from '../../scripts/action-runner.mjs'
import { inspectBundle, moduleLog, type BundleContents } from '../../bench/bundle-contents.mjs'
import { createClientCertificate, type ClientCertificate } from '../../sim/index.mjs'
import { clientSecretInputs, runAgainst, useSimulator } from '../../__fixtures__/simulator.js'

// The benchmark reports which files of the bundle each path loads and what index.js holds; this
// asserts the same of a bundle of the current src/ (the one the end-to-end tests run), so a
// change that drags MSAL, or a package only some runs need, into every run's start-up turns red.
const app = { clientId: 'bench-chunks-app', clientSecret: 'bench-chunks~secret_1' }
const token = 'bench-chunks-static-token'
const sessionInfo = 'UserSessionService/AifUserSessionService/GetUserSessionInfo'

const certificateApp = 'bench-chunks-certificate-app'
let certificate: ClientCertificate
let contents: BundleContents

// Before useSimulator: the simulator registers this certificate.
beforeAll(async () => {
  certificate = await createClientCertificate()
})
const sim = useSimulator(() => ({
  clients: [app],
  staticTokens: [token],
  certificateClients: [{ clientId: certificateApp, certificatePem: certificate.certificatePem }]
}))

beforeAll(async () => {
  contents = await inspectBundle(bundlePath)
})

/** The files of the bundle's folder a run with these inputs loads. */
async function loadedBy(inputs: Record<string, string>): Promise<string[]> {
  const log = await moduleLog()
  const run = await runAgainst(sim(), { inputs, nodeArgs: log.nodeArgs, env: log.env })
  expect(run.exitCode).toBe(0)
  if (inputs['calls']) expect(run.outputs['failed']).toBe('0')
  else expect(run.outputs['status']).toBe('200')
  return log.loadedFrom(path.dirname(bundlePath))
}

describe('the bundle', () => {
  it('keeps MSAL out of index.js, in a chunk of its own', () => {
    expect(contents.msalInIndex).toBe(false)
    expect(contents.msalChunks).toHaveLength(1)
  })

  it('keeps the packages only some runs need, and those no run reaches, out of index.js', () => {
    expect(contents.onDemandInIndex).toEqual([])
    expect(contents.unreachedInIndex).toEqual([])
    expect(
      Object.values(contents.onDemandChunks)
        .map(pkg => pkg.name)
        .sort()
    ).toEqual([
      '@jmespath-community/jmespath',
      'iconv-lite',
      'jsonc-parser',
      'jsonwebtoken',
      'yaml'
    ])
  })
})

describe('the files a run loads', () => {
  it('are index.js alone for a call with a given token', async () => {
    await expect(loadedBy({ 'service-name': sessionInfo, url: sim().url, token })).resolves.toEqual(
      ['index.js']
    )
  })

  it('include the JMESPath chunk, and only it, for a run with an outcome check', async () => {
    const loaded = await loadedBy({
      'service-name': sessionInfo,
      url: sim().url,
      token,
      'success-when': 'IsSysAdmin'
    })
    expect(loaded.sort()).toEqual(
      [
        'index.js',
        ...Object.entries(contents.onDemandChunks)
          .filter(([, pkg]) => pkg.name === '@jmespath-community/jmespath')
          .map(([name]) => name)
      ].sort()
    )
  })

  it('include the YAML chunk only for calls written in YAML', async () => {
    const yamlChunks = Object.entries(contents.onDemandChunks)
      .filter(([, pkg]) => pkg.name === 'yaml')
      .map(([name]) => name)
    const common = { 'service-name': sessionInfo, url: sim().url, token }
    const asJson = await loadedBy({ ...common, calls: '[{"name": "one"}]' })
    expect(asJson.filter(name => yamlChunks.includes(name))).toEqual([])
    const asYaml = await loadedBy({ ...common, calls: '- name: one' })
    expect(asYaml).toEqual(expect.arrayContaining(yamlChunks))
  })

  it('include the MSAL chunk for a client-secret sign-in (so the log sees chunks)', async () => {
    const loaded = await loadedBy({
      ...clientSecretInputs(sim(), app),
      'service-name': sessionInfo
    })
    expect(loaded).toEqual(expect.arrayContaining(['index.js', ...contents.msalChunks]))
    // No jsonwebtoken either: MSAL imports it, but only a certificate signs with it.
    expect(loaded.filter(name => contents.onDemandChunks[name])).toEqual([])
  })

  it('include jsonwebtoken for a certificate sign-in, which signs its client assertion with it', async () => {
    const loaded = await loadedBy({
      ...clientSecretInputs(sim(), app),
      'client-secret': '',
      'client-id': certificateApp,
      'client-certificate': certificate.pem,
      'service-name': sessionInfo
    })
    expect(loaded.map(name => contents.onDemandChunks[name]?.name).filter(Boolean)).toEqual([
      'jsonwebtoken'
    ])
  })
})
