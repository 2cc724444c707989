/** Input names as written in action.yml; nothing else spells them. */
export const Inputs = {
  ServiceName: 'service-name',
  Payload: 'payload',
  PayloadFile: 'payload-file',
  PayloadCharset: 'payload-charset',
  Method: 'method',
  RetryTimeout: 'retry-timeout',
  ThrottleSeed: 'throttle-seed',
  Auth: 'auth',
  Tenant: 'tenant',
  Url: 'url',
  SystemUrl: 'system-url',
  ClientId: 'client-id',
  ClientSecret: 'client-secret',
  ClientCertificate: 'client-certificate',
  ClientCertificatePassword: 'client-certificate-password',
  Token: 'token',
  AuthorityHost: 'authority-host',
  OidcAudience: 'oidc-audience',
  EnableException: 'enable-exception',
  TimeoutSec: 'timeout-sec',
  MaxResponseSize: 'max-response-size',
  ResponseFile: 'response-file',
  MaskResponse: 'mask-response',
  RetryOn: 'retry-on',
  SuccessWhen: 'success-when',
  FailWhen: 'fail-when',
  Until: 'until',
  PollInterval: 'poll-interval',
  PollTimeout: 'poll-timeout',
  Calls: 'calls',
  CallsFile: 'calls-file',
  CallsFileFormat: 'calls-file-format',
  Concurrency: 'concurrency',
  ResultsFile: 'results-file',
  CheckContract: 'check-contract'
} as const

/** Output names as written in action.yml. */
export const Outputs = {
  Status: 'status',
  Response: 'response',
  ResponseFile: 'response-file',
  Headers: 'headers',
  Attempts: 'attempts',
  ElapsedMs: 'elapsed-ms',
  Error: 'error',
  Polls: 'polls',
  ActivityId: 'activity-id',
  Total: 'total',
  Succeeded: 'succeeded',
  Failed: 'failed',
  ResultsFile: 'results-file',
  ThrottledSec: 'throttled-sec'
} as const

/** Environment variables that stand in for empty inputs, as the cmdlet falls back to its saved configuration. */
export const EnvDefaults = {
  [Inputs.Tenant]: 'AZURE_TENANT_ID',
  [Inputs.ClientId]: 'AZURE_CLIENT_ID',
  [Inputs.ClientSecret]: 'AZURE_CLIENT_SECRET',
  [Inputs.Url]: 'D365FO_URL',
  [Inputs.SystemUrl]: 'D365FO_SYSTEM_URL'
} as const

/** The `response` output holds the body only up to this many bytes (step outputs are capped near 1 MiB). */
export const MaxResponseOutputBytes = 1024 * 1024

/** The `max-response-size` default: 1 GiB. */
export const DefaultMaxResponseBytes = 1024 ** 3

/** Wait used when a 429 carries no readable Retry-After (the d365fo.integrations module's rule). */
export const DefaultRetryAfterMs = 10_000

/** Defaults of the limits a user may lift with 0 / 00:00:00: every call ends on its own by default. */
export const DefaultTimeoutSec = 300
export const DefaultRetryTimeout = '00:15:00'
export const DefaultPollIntervalSec = 10
export const DefaultPollTimeout = '00:30:00'

/** Calls in flight at once in a many-calls step (`concurrency`): the default and the most. */
export const DefaultConcurrency = 4
export const MaxConcurrency = 32

/** Public Entra authority host. */
export const PublicAuthorityHost = 'https://login.microsoftonline.com'
