/// <reference types="node" />
/**
 * The simulator's public types, declared here once: the modules of sim/ refer to them
 * (`import('./index.mjs').RecordedRequest`), and only their internal types live next to their code.
 */
import type { KeyObject } from 'node:crypto'

/** A confidential app that authenticates with a client secret. */
export interface SecretClient {
  clientId: string
  clientSecret: string
}

/** An app that authenticates with a certificate (self-signed client assertion, RS256 or PS256). */
export interface CertificateClient {
  clientId: string
  /** PEM text holding the certificate; the first certificate in it is registered. */
  certificatePem: string
}

/** An app with a federated identity credential accepting tokens of the simulated GitHub OIDC service. */
export interface FederatedClient {
  clientId: string
  issuer: string
  subject: string
  audience: string
}

export interface SimulatorOptions {
  /** Default '11111111-2222-3333-4444-555555555555'. */
  tenant?: string
  /** Default: one client, DefaultClientId / DefaultClientSecret. */
  clients?: SecretClient[]
  certificateClients?: CertificateClient[]
  federatedClients?: FederatedClient[]
  /**
   * Resource the F&O side accepts tokens for; default sim.url. A trailing slash here is dropped;
   * a token's `aud` must then match case-insensitively, so a token for '<audience>/' is refused.
   */
  audience?: string
  /**
   * Client ids registered in F&O under System administration › Setup › Microsoft Entra
   * applications. Default: every app is. A valid token of any other app gets 401, as F&O answers.
   */
  registeredApps?: string[]
  /** Bearer tokens the F&O side accepts as is (UserId 'Admin'). */
  staticTokens?: string[]
  /** Extra DNS names in the server certificate (127.0.0.1 and localhost are always there). */
  hostnames?: string[]
  /** Folder for ca.pem; default a fresh folder under os.tmpdir(), removed by close(). */
  dir?: string
  /** sub of the GitHub OIDC tokens; default DefaultOidcSubject. */
  oidcSubject?: string
  /** iss of the GitHub OIDC tokens; default DefaultOidcIssuer. */
  oidcIssuer?: string
  /** Port to listen on (127.0.0.1); default 0 = a free port. */
  port?: number
  /** Called with one line per answered request. */
  log?: (line: string) => void
  /** Throttling mode from the start (and again after each reset()); default off. */
  throttle?: ThrottleSettings
}

/**
 * Throttling mode: a token bucket admits `rate` F&O service requests per second; the others are
 * answered 429 with Retry-After (whole seconds until a request is admitted again).
 */
export interface ThrottleSettings {
  /** Requests admitted per second (> 0). */
  rate: number
  /** Requests admitted at once after a quiet spell (the bucket's size); default `rate`, at least 1. */
  burst?: number
  /**
   * Which of F&O's service protections the 429s stand for, by their Message: 'resource' (high
   * resource utilisation) or 'user' (a request limit per time window); default a plain message.
   */
  kind?: 'resource' | 'user'
}

/** The Message of the simulator's 429s, by ThrottleSettings.kind ('plain' without one). */
export const ThrottleMessages: Readonly<Record<'resource' | 'user' | 'plain', string>>

/**
 * The Message (without F&O's fixed prefix) of SimTestService/ContractService/CreateCustomer when
 * its `_contract` parameter is missing: X++ dereferences the null contract.
 */
export const NullReferenceMessage: string

export interface ScriptedResponse {
  /** Default 200. */
  status?: number
  headers?: Record<string, string | number | string[]>
  /** Objects are sent as JSON (Content-Type application/json; charset=utf-8 unless given). */
  body?: string | Buffer | object | null
  /** Wait before answering. */
  delayMs?: number
  /** Accept the request and never answer (until close()). */
  hang?: boolean
  /**
   * 'before-headers': close the connection without an answer (client: ECONNRESET 'socket hang up');
   * 'reset': abort it with a TCP RST (client: 'read ECONNRESET');
   * 'mid-body': send the headers (Content-Length of the whole body) and half the body, then drop the connection.
   */
  destroy?: 'before-headers' | 'reset' | 'mid-body'
}

export type RequestKind = 'token' | 'metadata' | 'discovery' | 'service' | 'oidc' | 'other'

export interface RecordedRequest {
  method: string
  /** Path without the query. */
  path: string
  /** Query without the leading '?'; '' when none. */
  query: string
  /** Path + query as received. */
  url: string
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>
  /** Body decoded as UTF-8. */
  body: string
  bodyBytes: Buffer
  kind: RequestKind
  /** ms since epoch when the request arrived. */
  time: number
  /** Status code of the answer, once its headers were sent. */
  status?: number
  /** True when a scripted response answered it. */
  scripted?: boolean
  /** True when the throttling mode answered it 429. */
  throttled?: boolean
}

/** How long the next token the simulator issues lives. */
export interface TokenLifetime {
  /** The token response's expires_in. */
  expiresInSeconds: number
  /**
   * How long F&O accepts the token; default expiresInSeconds. Shorter than expires_in stands
   * for a clock that runs fast: a client that renews a token half-way through its lifetime
   * renews one of expiresInSeconds 5 after 2.5 s (2.75 s at most: MSAL rounds its clock to the
   * second), so validForMs 3500 rejects a client that did not renew it, and never one that did.
   */
  validForMs?: number
}

/** A TLS connection the simulator accepted. */
export interface TlsHandshake {
  /** ms since epoch. */
  time: number
  /** The SNI the client sent; none for an IP address such as 127.0.0.1. */
  servername: string | undefined
}

export interface TokenGrant {
  /** A v1.0 JWT signed with the simulator's Entra key (claims aud, iss, tid, appid, exp, …). */
  accessToken: string
  /** Scope without '/.default', as requested (a trailing slash stays). */
  audience: string
  clientId: string
  /** The token's tid. */
  tenant: string
  /** How the client signed in; 'test' for a token made by `issueToken`. */
  credential: 'secret' | 'certificate' | 'federated' | 'test'
  issuedAt: number
  /** When F&O stops accepting the token (ms since epoch). */
  expiresAt: number
  /** The expires_in the token response gave. */
  expiresInSeconds: number
  /**
   * ms since epoch: F&O refuses the token from then on, whatever its exp claim says (a queued
   * TokenLifetime's validForMs).
   */
  acceptedUntil?: number
}

export interface OidcInfo {
  /** For ACTIONS_ID_TOKEN_REQUEST_URL: '<url>/_github/oidc/token?api-version=2.0'. */
  requestUrl: string
  /** For ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  /** iss of the tokens issued from now on (settable). */
  issuer: string
  /** sub of the tokens issued from now on (settable). */
  subject: string
  lastToken?: string
  issuedTokens: string[]
}

export interface IssueTokenOptions {
  /** appid; default the first secret client. */
  clientId?: string
  /** aud; default the audience F&O accepts. */
  audience?: string
  /** tid and the tenant in iss; default the simulator's tenant. */
  tenant?: string
  /** ms since epoch; default now. */
  issuedAt?: number
  /** ms since epoch; default issuedAt + 3599 s. */
  expiresAt?: number
}

export interface Simulator {
  /** 'https://127.0.0.1:<port>' */
  readonly url: string
  readonly port: number
  /** Path of the CA certificate PEM (for NODE_EXTRA_CA_CERTS). */
  readonly caFile: string
  readonly caPem: string
  readonly tenant: string
  /** Same as url. */
  readonly authorityHost: string
  /** The resource the F&O side accepts tokens for. */
  readonly audience: string
  /** Folder holding caFile. */
  readonly dir: string
  /** The secret clients (the default one when none were given). */
  readonly clients: SecretClient[]
  /** Every request, in order (cleared by reset()). */
  readonly requests: RecordedRequest[]
  /** Every TLS handshake the server completed, in order (cleared by reset()). */
  readonly tlsHandshakes: TlsHandshake[]
  /** Access tokens the token endpoint issued (cleared by reset(); the tokens stay valid). */
  readonly issuedTokens: string[]
  /** Details of the issued tokens, same order as issuedTokens. */
  readonly tokenGrants: TokenGrant[]
  readonly oidc: OidcInfo
  /**
   * Makes an access token as the token endpoint would, for a test that needs one this run
   * could not get: another tenant, audience or app, or an expired one. Recorded in
   * issuedTokens and tokenGrants like any other.
   */
  issueToken(options?: IssueTokenOptions): string
  /**
   * Queues responses for a service path ('Group/Service/Operation', '' for /api/services) or for
   * 'token', 'oidc', 'metadata', 'discovery'. Consumed one per request before normal handling;
   * calling again appends to the queue. The one way to inject a fault (a status, a delay, a hang,
   * a reset, a cut body); the operations of SimTestService behave as F&O operations do
   * (EchoService/Slow runs for `delayMs`, EchoService/Fail throws an X++ exception).
   */
  script(servicePath: string, responses: ScriptedResponse | ScriptedResponse[]): void
  /** Queues the lifetimes of the next tokens, one per token; later tokens live 3599 s. */
  tokenLifetimes(lifetimes: TokenLifetime[]): void
  /**
   * Turns the throttling mode on (a full bucket) with these settings, or off with undefined.
   * It sits before scripts: a throttled request consumes no scripted response.
   */
  throttle(settings: ThrottleSettings | undefined): void
  /**
   * Clears requests, TLS handshakes, scripts, issuedTokens, tokenGrants, queued token lifetimes,
   * submitted jobs and the OIDC token log; the throttling mode goes back to the start option's (a
   * full bucket).
   */
  reset(): void
  /** Closes the server and every open connection (hung requests included). */
  close(): Promise<void>
}

export function startSimulator(options?: SimulatorOptions): Promise<Simulator>

/** Normalised key under which sim.script stores a queue. */
export function scriptKeyOf(servicePath: string): string

export const DefaultTenant: string
export const DefaultClientId: string
export const DefaultClientSecret: string
export const DefaultOidcIssuer: string
export const DefaultOidcSubject: string
export const DefaultOidcAudience: string

export interface ClientCertificate {
  certificatePem: string
  /** PKCS#8 PEM. */
  privateKeyPem: string
  /** Private key followed by the certificate (the form of the action's client-certificate input). */
  pem: string
  /** Upper-case hex. */
  thumbprintSha1: string
  /** Upper-case hex. */
  thumbprintSha256: string
}

/** A private key (PKCS#8 PEM) and its certificate (PEM). */
export interface KeyAndCertificate {
  readonly key: string
  readonly cert: string
}

/** A subject alternative name: a DNS name or an IP address. */
export type AltName = { readonly dns: string } | { readonly ip: string }

/** What `issueCertificate` makes. */
export interface CertificateRequest {
  readonly commonName: string
  /** RSA-2048 (default) or EC P-256, which takes milliseconds where RSA takes a second. */
  readonly keyType?: 'rsa' | 'ec'
  /** A key pair made beforehand (PEM), instead of a new one. */
  readonly keyPair?: { readonly privateKey: string; readonly publicKey: string }
  /** The CA that signs it; default self-signed. */
  readonly issuer?: KeyAndCertificate
  /** A CA certificate (may sign certificates). */
  readonly authority?: boolean
  /** A TLS server certificate, valid only for these names. */
  readonly altNames?: readonly AltName[]
  /** A client certificate (an app's credential). */
  readonly clientAuth?: boolean
  /** Default: a day ago. */
  readonly notBefore?: Date
  /** Default: a year from now. */
  readonly notAfter?: Date
}

/**
 * A certificate and its key, self-signed or issued by `request.issuer`: the one generator of every
 * certificate the simulator and the tests use.
 */
export function issueCertificate(request: CertificateRequest): Promise<KeyAndCertificate>

/** Generates a self-signed RSA-2048 certificate for an app registration (not cached). */
export function createClientCertificate(options?: {
  commonName?: string
  notBeforeDate?: Date
  notAfterDate?: Date
}): Promise<ClientCertificate>

export interface DecodedJwt {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  signingInput: string
  signature: Buffer
}

/** Signs a JWT; header.alg 'RS256' (default) or 'PS256'; typ 'JWT' is added. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject
): string

/** Parses a compact JWT without verifying it; throws when malformed. */
export function decodeJwt(token: string): DecodedJwt
