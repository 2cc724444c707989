/**
 * Stands in for `undici` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @actions/http-client imports undici only for `HttpClient.getAgentDispatcher()`, a proxy agent
 * for `fetch`, which neither this action nor @actions/core calls. Bundling undici cost every run
 * about 20 ms to evaluate it and its Node built-ins, a fifth of a whole call; leaving it out keeps
 * the `token` path near a bare request. Tests run against the real package (jest does not read
 * `paths`).
 */
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action: HttpClient.getAgentDispatcher() is not available (see src/stand-ins/undici.ts)'
    )
  }
}
