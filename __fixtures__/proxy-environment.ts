import { afterAll, afterEach, beforeAll } from '@jest/globals'

/** Every variable @actions/http-client reads to choose a proxy. */
const ProxyVariables = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy'
]

/**
 * For an in-process suite that sets proxy variables: each test starts with none set (whatever
 * the machine has), and the machine's own are put back when the suite ends.
 */
export function isolateProxyEnvironment(): void {
  const saved = Object.fromEntries(ProxyVariables.map(name => [name, process.env[name]]))
  const clear = (): void => {
    for (const name of ProxyVariables) delete process.env[name]
  }
  beforeAll(clear)
  afterEach(clear)
  afterAll(() => {
    for (const [name, value] of Object.entries(saved))
      if (value !== undefined) process.env[name] = value
  })
}
