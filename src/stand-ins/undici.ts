/**
 * Stands in for `undici` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @actions/http-client imports undici only for `HttpClient.getAgentDispatcher()`, a proxy agent
 * for `fetch`, which neither this action nor @actions/core calls. Bundling undici cost every run
 * about 20 ms to evaluate it and its Node built-ins, a fifth of a whole call; leaving it out keeps
 * the `token` path near a bare request. Tests run against the real package (jest does not read
 * `paths`); `npm run bundle` fails when the bundle uses a name this file lacks
 * (scripts/stand-ins.mjs reads the bundler's module graph).
 *
 * Upstream: actions/toolkit#1621 (undici imported eagerly by @actions/http-client; a lazy import
 * is proposed in actions/toolkit#1800). Remove this stand-in, and its `paths` entry, when
 * @actions/http-client loads undici only inside getAgentDispatcher().
 */
export class ProxyAgent {
  constructor() {
    throw new Error(
      'undici is not bundled with this action: HttpClient.getAgentDispatcher() is not available (see src/stand-ins/undici.ts)'
    )
  }
}
