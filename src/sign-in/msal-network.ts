import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import { Inputs } from '../common/constants.js'
import { withoutQuery } from '../common/endpoint-url.js'
import { entraErrorText, errorDescriptionOf } from './entra-error.js'
import { describeTransportFailure, serviceMessage } from '../common/failure-message.js'
import { createTransport, type HttpRequest, type Transport } from '../transport/http.js'
import { discardBody, readText } from '../transport/response-body.js'
import { decideRetry } from '../transport/retry-policy.js'
import { maskSecret, scrub, scrubAndCut } from '../common/secrets.js'

/** Bounds and clock for token requests: the same retry-timeout budget as the service call. */
export interface TokenRequestPolicy {
  readonly timeoutMs: number
  /** Budget for 429/5xx retries of token requests; 0 = no limit for 429. */
  readonly retryTimeoutMs: number
  now(): number
  sleep(ms: number): Promise<void>
  info(line: string): void
}

/** MSAL's network module plus what it saw, so MSAL's generic errors can be replaced by ours. */
export interface MsalNetworkClient extends INetworkModule {
  /** The last failure this client itself diagnosed (one line, scrubbed). */
  readonly lastFailure: string | undefined
  /**
   * The same client for another service's origin (GitHub's ID-token service): same deadline,
   * cap and no redirects, sending only to `origin`.
   */
  trusting(origin: string): INetworkModule
  close(): void
}

// A 5xx without Retry-After is retried this many times at most, even with no retry-timeout.
const MaxServerErrorRetries = 2

/**
 * MSAL's network module built on the action's own transport (`transport`, which close() closes;
 * by default a new one, never following redirects), so token requests obey the same
 * proxy settings and timeout-sec deadline as the service call, never follow a redirect, and read
 * at most 1 MiB of an answer. 429 and 5xx answers are retried within the retry-timeout budget,
 * honouring Retry-After. MSAL's requests go to `authorityHost`'s origin only: a custom
 * authority's OpenID metadata may name any token endpoint, and the client secret or assertion
 * would go there.
 */
export function createMsalNetworkClient(
  policy: TokenRequestPolicy,
  authorityHost: string,
  transport: Transport = createTransport({ timeoutMs: policy.timeoutMs, followRedirects: false })
): MsalNetworkClient {
  const state: { lastFailure: string | undefined } = { lastFailure: undefined }

  async function send<T>(request: HttpRequest, trustedOrigin: string): Promise<NetworkResponse<T>> {
    const origin = originOf(request.url)
    if (origin !== trustedOrigin) {
      state.lastFailure = scrub(
        `refused to send ${request.method} to ${scrubAndCut(origin, 200)}: only '${Inputs.AuthorityHost}' ${authorityHost} is trusted with the credentials, ` +
          "and the authority's OpenID metadata points elsewhere"
      )
      throw new Error(state.lastFailure)
    }
    const startedAt = policy.now()
    for (let serverErrors = 0; ;) {
      let response
      try {
        response = await transport.send(request)
      } catch (error) {
        state.lastFailure = scrub(describeTransportFailure(request.method, request.url, error))
        throw error
      }
      const retryable =
        response.status === 429 || (response.status >= 500 && serverErrors < MaxServerErrorRetries)
      if (retryable) {
        if (response.status !== 429) serverErrors++
        const decision = decideRetry(
          response.headers['retry-after'],
          startedAt,
          policy.now(),
          policy.retryTimeoutMs
        )
        if (decision.retry) {
          policy.info(
            `${request.method} ${withoutQuery(request.url)} → ${response.status}, waiting ${Math.ceil(decision.waitMs / 1000)} s`
          )
          // Not waited for: a body that drips must not hold the retry.
          void discardBody(response.body)
          await policy.sleep(decision.waitMs)
          continue
        }
      }
      let text: string
      try {
        text = await readText(response.body, policy.timeoutMs)
      } catch (error) {
        state.lastFailure = scrub(describeTransportFailure(request.method, request.url, error))
        throw error
      }
      // Throttling and server errors first: their bodies are often empty or HTML, not JSON.
      if (response.status === 429 || response.status >= 500) {
        state.lastFailure = scrub(
          `${request.method} ${withoutQuery(request.url)} failed: HTTP ${response.status}` +
            (response.status === 429 ? ' Too Many Requests — retry-timeout exhausted' : '') +
            (serviceMessage(text) ? ` — ${serviceMessage(text)}` : '')
        )
        throw new Error(state.lastFailure)
      }
      let body: T
      try {
        body = JSON.parse(text) as T
      } catch {
        state.lastFailure = scrub(
          `${request.method} ${withoutQuery(request.url)} failed: HTTP ${response.status} with a body that is not JSON` +
            (serviceMessage(text) ? ` — ${serviceMessage(text)}` : '')
        )
        throw new Error(state.lastFailure)
      }
      if (response.status >= 400) {
        // MSAL reports a refused metadata request as endpoints_resolution_error and drops
        // Entra's own words (a wrong tenant at a custom authority-host): keep them here.
        const detail = entraErrorText(errorDescriptionOf(body)) ?? serviceMessage(text)
        state.lastFailure = scrub(
          `${request.method} ${withoutQuery(request.url)} failed: HTTP ${response.status}${detail ? ` — ${detail}` : ''}`
        )
      }
      return { status: response.status, headers: { ...response.headers }, body }
    }
  }

  /** MSAL's two calls, sending only to `trustedOrigin`. */
  const sendingTo = (trustedOrigin: string): INetworkModule => ({
    sendGetRequestAsync<T>(
      url: string,
      options?: NetworkRequestOptions
    ): Promise<NetworkResponse<T>> {
      return send<T>({ method: 'GET', url, headers: { ...options?.headers } }, trustedOrigin)
    },
    sendPostRequestAsync<T>(
      url: string,
      options?: NetworkRequestOptions
    ): Promise<NetworkResponse<T>> {
      // The signed client assertion is replayable for minutes: masked before it leaves, so an
      // endpoint that echoes the request cannot print it (nor can MSAL's own errors).
      maskSecret(new URLSearchParams(options?.body ?? '').get('client_assertion') ?? undefined)
      return send<T>(
        {
          method: 'POST',
          url,
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
            ...options?.headers
          },
          body: Buffer.from(options?.body ?? '', 'utf8')
        },
        trustedOrigin
      )
    }
  })
  const msal = sendingTo(authorityHost)

  return {
    get lastFailure() {
      return state.lastFailure
    },
    sendGetRequestAsync: (url, options) => msal.sendGetRequestAsync(url, options),
    sendPostRequestAsync: (url, options) => msal.sendPostRequestAsync(url, options),
    trusting: sendingTo,
    close: () => transport.close()
  }
}

/** The origin of a URL MSAL built, or a placeholder when it does not parse. */
function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'an unreadable URL'
  }
}
