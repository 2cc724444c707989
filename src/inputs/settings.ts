import type { CallDefaults, PreparedCall } from '../call/call-plan.js'
import type { PollPlan } from '../call/poll.js'
import type { RetryOn } from '../transport/retry-classes.js'

/** Where the Entra token is requested: one app registration in one tenant, for one resource. */
export interface AppRegistration {
  /** Tenant id (GUID) or domain. */
  readonly tenant: string
  /** Application (client) id. */
  readonly clientId: string
  /** Entra authority host origin, e.g. https://login.microsoftonline.com. */
  readonly authorityHost: string
  /** Scope of the token: `<url>/.default`. */
  readonly scope: string
}

/** A client certificate ready for MSAL: key, thumbprint and chain. */
export interface ClientCertificate {
  /** Unencrypted private key, PKCS#8 PEM. */
  readonly privateKey: string
  /** SHA-256 thumbprint of the leaf certificate, hex. */
  readonly thumbprintSha256: string
  /** The certificate chain as PEM text, for the x5c header. */
  readonly chainPem: string
}

/** How the action gets its bearer token; decided once, where the inputs are parsed. */
export type Credential =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'client-secret'; readonly app: AppRegistration; readonly clientSecret: string }
  | {
      readonly kind: 'certificate'
      readonly app: AppRegistration
      readonly certificate: ClientCertificate
    }
  | {
      readonly kind: 'oidc'
      readonly app: AppRegistration
      readonly audience: string
      /** True when `auth` is auto and OIDC was chosen because no other credential was given. */
      readonly implicit: boolean
    }

/** What the bearer token must say for this environment, to explain a refusal (401, 403). */
export interface ExpectedToken {
  /** The resource the token must be for: `url`, else the origin of `system-url`. */
  readonly audience: string
  /** The input `audience` comes from. */
  readonly audienceInput: 'url' | 'system-url'
  /** The tenant given (`tenant` or AZURE_TENANT_ID), if any. */
  readonly tenant: string | undefined
  /** Where F&O is called: `system-url`, else `url`. */
  readonly systemUrl: string
}

/** Where a setting's value came from, for the log (values are never logged). */
export type SettingSource = 'input' | 'environment' | 'default'

/** What a line of `calls-file` is (`calls-file-format`): a payload only, or a call object. */
export type CallsFileFormat = 'payloads' | 'calls'

/** Many calls in one step (`calls` or `calls-file`). */
export interface ManyCalls {
  /** The calls of `calls`, each checked before any request; undefined with `calls-file`. */
  readonly calls: readonly PreparedCall[] | undefined
  /** `calls-file` as an absolute path; its lines are read and checked one by one as the step runs. */
  readonly callsFile: string | undefined
  /**
   * What each line of `calls-file` is: `payloads` (the default with `service-name`) sends every
   * line as a payload whatever its keys; `calls` (the default without) reads it as a call object.
   */
  readonly callsFileFormat: CallsFileFormat
  /** The step's inputs that every call takes unless it sets its own. */
  readonly defaults: CallDefaults
  /** Calls in flight at once, at most (`concurrency`). */
  readonly concurrency: number
  /** `results-file` as an absolute path; undefined means a fresh file under RUNNER_TEMP. */
  readonly resultsFile: string | undefined
}

/** Every input, validated. Built once by `readSettings`; nothing else reads inputs. */
export interface Settings {
  /** `ServiceGroup/Service/Operation` as given (1 to 3 AOT names), or `/` for every group. */
  readonly serviceName: string
  /** The endpoint: `<system-url>/api/services/<service-name>` (`/api/services` for `/`). */
  readonly serviceUrl: string
  /** HTTP method after `auto` is resolved: POST for an operation, GET for discovery. */
  readonly method: 'GET' | 'POST'
  /** True when the call runs nothing: GET of an operation returns its metadata. */
  readonly metadataOnly: boolean
  /** Encoded request body; undefined for GET. An empty buffer for POST without payload. */
  readonly body: Buffer | undefined
  /** The payload as JSON text, for the contract doctor (never logged); undefined without one. */
  readonly payload: string | undefined
  /** check-contract: compare the payload with the operation's parameters before the first POST. */
  readonly checkContract: boolean
  /** `application/json;charset=<name>` when a payload is sent. */
  readonly contentType: string | undefined
  /** How long 429s (and what retry-on lists) are retried, in ms; 0 means no limit. */
  readonly retryTimeoutMs: number
  /** Failures retried within retry-timeout besides 429. */
  readonly retryOn: RetryOn
  /** JMESPath that must be true of a 2xx answer's JSON; undefined = no check. */
  readonly successWhen: string | undefined
  /** JMESPath that fails the call when true of any answer's JSON; undefined = no check. */
  readonly failWhen: string | undefined
  /** Repeat the call until its `until` condition holds; undefined = call once. */
  readonly poll: PollPlan | undefined
  /** Upper bound of the random start delay in seconds; 0 means none. */
  readonly throttleSeed: number
  /** How the bearer token is obtained. */
  readonly credential: Credential
  /** What the token must say, to explain a 401 or 403. */
  readonly expectedToken: ExpectedToken
  /** Whether a failed call fails the step. */
  readonly enableException: boolean
  /** Per attempt: deadline from connecting to the last header, then longest body stall, in ms; 0 means no limit. */
  readonly timeoutMs: number
  /** Largest response body accepted, in bytes; 0 means no limit. */
  readonly maxResponseBytes: number
  /**
   * Absolute path the body is streamed to, inside GITHUB_WORKSPACE or RUNNER_TEMP; undefined
   * means a fresh file under RUNNER_TEMP.
   */
  readonly responseFile: string | undefined
  /** Whether the body is registered as a secret and kept out of the summary. */
  readonly maskResponse: boolean
  /**
   * Many calls in one step; undefined for the single call. With it, the single-call fields above
   * (service name, method, body) hold only the step's defaults, which `many.defaults` carries.
   */
  readonly many: ManyCalls | undefined
  /** Where each environment-backed setting came from. */
  readonly sources: Readonly<Record<string, SettingSource>>
}
