import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import { Inputs } from '../common/constants.js'
import { withoutQuery } from '../common/endpoint-url.js'
import { entraErrorText, errorDescriptionOf } from './entra-error.js'
import { describeTransportFailure, serviceMessage } from '../common/failure-message.js'
import {
  createTransport,
  type HttpRequest,
  type HttpResponse,
  type Transport
} from '../transport/http.js'
import { discardBody, readText } from '../transport/response-body.js'
import { decideRetry } from '../transport/retry-policy.js'
import { maskSecret, scrub, scrubAndCut } from '../common/secrets.js'
import { wholeSeconds } from '../common/timespan.js'

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
  return new TransportNetworkClient(policy, authorityHost, transport)
}

class TransportNetworkClient implements MsalNetworkClient {
  private failure: string | undefined
  /** MSAL's own requests: to authority-host only. */
  private readonly msal: INetworkModule

  constructor(
    private readonly policy: TokenRequestPolicy,
    private readonly authorityHost: string,
    private readonly transport: Transport
  ) {
    this.msal = this.trusting(authorityHost)
  }

  get lastFailure(): string | undefined {
    return this.failure
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions
  ): Promise<NetworkResponse<T>> {
    return this.msal.sendGetRequestAsync<T>(url, options)
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions
  ): Promise<NetworkResponse<T>> {
    return this.msal.sendPostRequestAsync<T>(url, options)
  }

  /** MSAL's two calls, sending only to `trustedOrigin`. */
  trusting(trustedOrigin: string): INetworkModule {
    return {
      sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
        this.send<T>({ method: 'GET', url, headers: { ...options?.headers } }, trustedOrigin),
      sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => {
        // The signed client assertion is replayable for minutes: masked before it leaves, so an
        // endpoint that echoes the request cannot print it (nor can MSAL's own errors).
        maskSecret(new URLSearchParams(options?.body ?? '').get('client_assertion') ?? undefined)
        return this.send<T>(formPost(url, options), trustedOrigin)
      }
    }
  }

  close(): void {
    this.transport.close()
  }

  private async send<T>(request: HttpRequest, trustedOrigin: string): Promise<NetworkResponse<T>> {
    const origin = originOf(request.url)
    if (origin !== trustedOrigin) {
      this.fail(
        `refused to send ${request.method} to ${scrubAndCut(origin, 200)}: only '${Inputs.AuthorityHost}' ${this.authorityHost} is trusted with the credentials, ` +
          "and the authority's OpenID metadata points elsewhere"
      )
    }
    const response = await this.sendWithRetries(request)
    const text = await this.recording(request, () => readText(response.body, this.policy.timeoutMs))
    return this.judge<T>(request, response, text)
  }

  /** The first answer not to wait out: 429 within retry-timeout, 5xx at most twice, per Retry-After. */
  private async sendWithRetries(request: HttpRequest): Promise<HttpResponse> {
    const startedAt = this.policy.now()
    for (let serverErrors = 0; ;) {
      const response = await this.recording(request, () => this.transport.send(request))
      const retryable =
        response.status === 429 || (response.status >= 500 && serverErrors < MaxServerErrorRetries)
      if (!retryable) return response
      if (response.status !== 429) serverErrors++
      const decision = decideRetry(
        response.headers['retry-after'],
        startedAt,
        this.policy.now(),
        this.policy.retryTimeoutMs
      )
      if (!decision.retry) return response
      this.policy.info(
        `${request.method} ${withoutQuery(request.url)} → ${response.status}, waiting ${wholeSeconds(decision.waitMs)}`
      )
      // Not waited for: a body that drips must not hold the retry.
      void discardBody(response.body)
      await this.policy.sleep(decision.waitMs)
    }
  }

  /** MSAL's response from the answer's text, or the failure it stands for. */
  private judge<T>(request: HttpRequest, response: HttpResponse, text: string): NetworkResponse<T> {
    const failed = `${request.method} ${withoutQuery(request.url)} failed: HTTP ${response.status}`
    // Throttling and server errors first: their bodies are often empty or HTML, not JSON.
    if (response.status === 429 || response.status >= 500) {
      this.fail(
        failed +
          (response.status === 429 ? ' Too Many Requests — retry-timeout exhausted' : '') +
          said(text)
      )
    }
    const body = parseJson<T>(text)
    if (body === NotJson) {
      this.fail(`${failed} with a body that is not JSON${said(text)}`)
    }
    if (response.status >= 400) {
      // MSAL reports a refused metadata request as endpoints_resolution_error and drops
      // Entra's own words (a wrong tenant at a custom authority-host): keep them here.
      const detail = entraErrorText(errorDescriptionOf(body)) ?? serviceMessage(text)
      this.failure = scrub(`${failed}${detail ? ` — ${detail}` : ''}`)
    }
    return { status: response.status, headers: { ...response.headers }, body }
  }

  /** `step`, whose transport failure becomes the last failure (scrubbed) before it is rethrown. */
  private async recording<R>(request: HttpRequest, step: () => Promise<R>): Promise<R> {
    try {
      return await step()
    } catch (error) {
      this.failure = scrub(describeTransportFailure(request.method, request.url, error))
      throw error
    }
  }

  /** Records `message` (scrubbed) as the last failure and throws it. */
  private fail(message: string): never {
    this.failure = scrub(message)
    throw new Error(this.failure)
  }
}

/** MSAL's form POST (its body is URL-encoded) as the transport sends it. */
function formPost(url: string, options: NetworkRequestOptions | undefined): HttpRequest {
  return {
    method: 'POST',
    url,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
      ...options?.headers
    },
    body: Buffer.from(options?.body ?? '', 'utf8')
  }
}

/** ` — ` and F&O's or Entra's own message in `text`, or nothing. */
function said(text: string): string {
  const message = serviceMessage(text)
  return message ? ` — ${message}` : ''
}

const NotJson = Symbol('not JSON')

function parseJson<T>(text: string): T | typeof NotJson {
  try {
    return JSON.parse(text) as T
  } catch {
    return NotJson
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
