export const id = 256;
export const ids = [256];
export const modules = {

/***/ 8256:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  acquireEntraToken: () => (/* binding */ acquireEntraToken)
});

// EXTERNAL MODULE: ./node_modules/@azure/msal-node/dist/index.mjs + 115 modules
var dist = __webpack_require__(2669);
;// CONCATENATED MODULE: ./src/sign-in/cloud-metadata.ts
/**
 * When the documents below were copied from the clouds (docs/adr/0003-built-in-cloud-metadata.md
 * says how to refresh them); `.ci/run` prints a line once the copy is older than a year.
 */
const CloudMetadataCopiedOn = '2026-11-28';
/**
 * Entra ID clouds whose metadata MSAL can be given up front, so a token costs one request to
 * the authority instead of three (instance discovery, OpenID configuration, token).
 */
const KnownClouds = {
    'login.microsoftonline.com': [
        'login.microsoftonline.com',
        'login.windows.net',
        'login.microsoft.com',
        'sts.windows.net'
    ],
    'login.microsoftonline.us': ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
    'login.chinacloudapi.cn': ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']
};
/**
 * For the public, US Gov and China clouds: the discovery and OpenID metadata MSAL would fetch.
 * For any other host: `knownAuthorities` only, so MSAL trusts it without asking public hosts
 * and fetches its OpenID configuration from that host alone.
 */
function authorityOptions(authorityHost, tenant) {
    const host = new URL(authorityHost).host;
    const authority = `${authorityHost}/${tenant}`;
    const aliases = KnownClouds[host];
    if (!aliases)
        return { authority, knownAuthorities: [host] };
    return {
        authority,
        knownAuthorities: [host],
        cloudDiscoveryMetadata: JSON.stringify({
            tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
            'api-version': '1.1',
            metadata: [{ preferred_network: host, preferred_cache: aliases[1] ?? host, aliases }]
        }),
        authorityMetadata: JSON.stringify({
            token_endpoint: `${authority}/oauth2/v2.0/token`,
            token_endpoint_auth_methods_supported: [
                'client_secret_post',
                'private_key_jwt',
                'client_secret_basic'
            ],
            jwks_uri: `${authorityHost}/${tenant}/discovery/v2.0/keys`,
            response_modes_supported: ['query', 'fragment', 'form_post'],
            subject_types_supported: ['pairwise'],
            id_token_signing_alg_values_supported: ['RS256'],
            response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
            scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
            issuer: `${authorityHost}/${tenant}/v2.0`,
            request_uri_parameter_supported: false,
            userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
            authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
            device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
            http_logout_supported: true,
            frontchannel_logout_supported: true,
            end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
            claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
            kerberos_endpoint: `${authority}/kerberos`,
            tenant_region_scope: null,
            cloud_instance_name: host.endsWith('.us')
                ? 'microsoftonline.us'
                : host.endsWith('.cn')
                    ? 'partner.microsoftonline.cn'
                    : 'microsoftonline.com',
            cloud_graph_host_name: 'graph.windows.net',
            msgraph_host: 'graph.microsoft.com',
            rbac_url: 'https://pas.windows.net'
        })
    };
}

// EXTERNAL MODULE: ./src/common/constants.ts
var constants = __webpack_require__(8952);
// EXTERNAL MODULE: ./src/common/secrets.ts
var secrets = __webpack_require__(7168);
// EXTERNAL MODULE: ./src/common/untrusted-text.ts
var untrusted_text = __webpack_require__(2351);
;// CONCATENATED MODULE: ./src/sign-in/entra-error.ts


/**
 * Entra ID's own `AADSTS<code>: <description>` in an error text (an `error_description`, or a
 * message quoting one), up to the end of its line or Entra's "Trace ID:"; undefined when there is
 * none. Untrusted text: secrets are scrubbed and it is cut to MaxScanChars before the search,
 * which runs in linear time.
 */
function entraErrorText(text) {
    const bounded = (0,secrets/* scrubAndCut */.zM)(text ?? '', untrusted_text/* MaxScanChars */.Lb);
    const start = /AADSTS\d+:/.exec(bounded);
    if (!start)
        return undefined;
    const line = bounded.slice(start.index).split(/[\r\n]/, 1)[0] ?? '';
    const trace = line.indexOf('Trace ID:');
    return (trace === -1 ? line : line.slice(0, trace)).trim();
}
/** The `error_description` of a parsed Entra error body, if it has one. */
function errorDescriptionOf(body) {
    if (typeof body !== 'object' || body === null)
        return undefined;
    const description = body['error_description'];
    return typeof description === 'string' ? description : undefined;
}

// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/endpoint-url.ts
var endpoint_url = __webpack_require__(4952);
// EXTERNAL MODULE: ./src/common/failure-message.ts
var failure_message = __webpack_require__(6409);
// EXTERNAL MODULE: ./src/transport/http.ts
var http = __webpack_require__(4025);
// EXTERNAL MODULE: ./src/transport/response-body.ts
var response_body = __webpack_require__(5707);
// EXTERNAL MODULE: ./src/transport/retry-policy.ts
var retry_policy = __webpack_require__(6454);
// EXTERNAL MODULE: ./src/common/timespan.ts
var timespan = __webpack_require__(4416);
;// CONCATENATED MODULE: ./src/sign-in/msal-network.ts









// A 5xx without Retry-After is retried this many times at most, even with no retry-timeout.
const MaxServerErrorRetries = 2;
/**
 * MSAL's network module built on the action's own transport (`transport`, which close() closes;
 * by default a new one, never following redirects), so token requests obey the same
 * proxy settings and timeout-sec deadline as the service call, never follow a redirect, and read
 * at most 1 MiB of an answer. 429 and 5xx answers are retried within the retry-timeout budget,
 * honouring Retry-After. MSAL's requests go to `authorityHost`'s origin only: a custom
 * authority's OpenID metadata may name any token endpoint, and the client secret or assertion
 * would go there.
 */
function createMsalNetworkClient(policy, authorityHost, transport = (0,http/* createTransport */.o)({ timeoutMs: policy.timeoutMs, followRedirects: false })) {
    return new TransportNetworkClient(policy, authorityHost, transport);
}
class TransportNetworkClient {
    policy;
    authorityHost;
    transport;
    failure;
    /** MSAL's own requests: to authority-host only. */
    msal;
    constructor(policy, authorityHost, transport) {
        this.policy = policy;
        this.authorityHost = authorityHost;
        this.transport = transport;
        this.msal = this.trusting(authorityHost);
    }
    get lastFailure() {
        return this.failure;
    }
    sendGetRequestAsync(url, options) {
        return this.msal.sendGetRequestAsync(url, options);
    }
    sendPostRequestAsync(url, options) {
        return this.msal.sendPostRequestAsync(url, options);
    }
    /** MSAL's two calls, sending only to `trustedOrigin`. */
    trusting(trustedOrigin) {
        return {
            sendGetRequestAsync: (url, options) => this.send({ method: 'GET', url, headers: { ...options?.headers } }, trustedOrigin),
            sendPostRequestAsync: (url, options) => {
                // The signed client assertion is replayable for minutes: masked before it leaves, so an
                // endpoint that echoes the request cannot print it (nor can MSAL's own errors).
                (0,secrets/* maskSecret */.$l)(new URLSearchParams(options?.body ?? '').get('client_assertion') ?? undefined);
                return this.send(formPost(url, options), trustedOrigin);
            }
        };
    }
    close() {
        this.transport.close();
    }
    async send(request, trustedOrigin) {
        const origin = originOf(request.url);
        if (origin !== trustedOrigin) {
            this.fail(`refused to send ${request.method} to ${(0,secrets/* scrubAndCut */.zM)(origin, 200)}: only '${constants/* Inputs */.G0.AuthorityHost}' ${this.authorityHost} is trusted with the credentials, ` +
                "and the authority's OpenID metadata points elsewhere");
        }
        const response = await this.sendWithRetries(request);
        const text = await this.recording(request, () => (0,response_body/* readText */.yR)(response.body, this.policy.timeoutMs));
        return this.judge(request, response, text);
    }
    /** The first answer not to wait out: 429 within retry-timeout, 5xx at most twice, per Retry-After. */
    async sendWithRetries(request) {
        const startedAt = this.policy.now();
        for (let serverErrors = 0;;) {
            const response = await this.recording(request, () => this.transport.send(request));
            const retryable = response.status === 429 || (response.status >= 500 && serverErrors < MaxServerErrorRetries);
            if (!retryable)
                return response;
            if (response.status !== 429)
                serverErrors++;
            const decision = (0,retry_policy/* decideRetry */.tE)(response.headers['retry-after'], startedAt, this.policy.now(), this.policy.retryTimeoutMs);
            if (!decision.retry)
                return response;
            this.policy.info(`${request.method} ${(0,endpoint_url/* withoutQuery */.j$)(request.url)} → ${response.status}, waiting ${(0,timespan/* wholeSeconds */.$P)(decision.waitMs)}`);
            // Not waited for: a body that drips must not hold the retry.
            void (0,response_body/* discardBody */.LL)(response.body);
            await this.policy.sleep(decision.waitMs);
        }
    }
    /** MSAL's response from the answer's text, or the failure it stands for. */
    judge(request, response, text) {
        const failed = `${request.method} ${(0,endpoint_url/* withoutQuery */.j$)(request.url)} failed: HTTP ${response.status}`;
        // Throttling and server errors first: their bodies are often empty or HTML, not JSON.
        if (response.status === 429 || response.status >= 500) {
            this.fail(failed +
                (response.status === 429 ? ' Too Many Requests — retry-timeout exhausted' : '') +
                said(text));
        }
        const body = parseJson(text);
        if (body === NotJson) {
            this.fail(`${failed} with a body that is not JSON${said(text)}`);
        }
        if (response.status >= 400) {
            // MSAL reports a refused metadata request as endpoints_resolution_error and drops
            // Entra's own words (a wrong tenant at a custom authority-host): keep them here.
            const detail = entraErrorText(errorDescriptionOf(body)) ?? (0,failure_message/* serviceMessage */.XK)(text);
            this.failure = (0,secrets/* scrub */._I)(`${failed}${detail ? ` — ${detail}` : ''}`);
        }
        return { status: response.status, headers: { ...response.headers }, body };
    }
    /** `step`, whose transport failure becomes the last failure (scrubbed) before it is rethrown. */
    async recording(request, step) {
        try {
            return await step();
        }
        catch (error) {
            this.failure = (0,secrets/* scrub */._I)((0,failure_message/* describeTransportFailure */.TL)(request.method, request.url, error));
            throw error;
        }
    }
    /** Records `message` (scrubbed) as the last failure and throws it. */
    fail(message) {
        this.failure = (0,secrets/* scrub */._I)(message);
        throw new Error(this.failure);
    }
}
/** MSAL's form POST (its body is URL-encoded) as the transport sends it. */
function formPost(url, options) {
    return {
        method: 'POST',
        url,
        headers: {
            'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
            ...options?.headers
        },
        body: Buffer.from(options?.body ?? '', 'utf8')
    };
}
/** ` — ` and F&O's or Entra's own message in `text`, or nothing. */
function said(text) {
    const message = (0,failure_message/* serviceMessage */.XK)(text);
    return message ? ` — ${message}` : '';
}
const NotJson = Symbol('not JSON');
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return NotJson;
    }
}
/** The origin of a URL MSAL built, or a placeholder when it does not parse. */
function originOf(url) {
    try {
        return new URL(url).origin;
    }
    catch {
        return 'an unreadable URL';
    }
}

// EXTERNAL MODULE: ./src/common/json-text.ts
var json_text = __webpack_require__(3011);
// EXTERNAL MODULE: ./src/sign-in/token-claims.ts
var token_claims = __webpack_require__(5898);
;// CONCATENATED MODULE: ./src/sign-in/oidc.ts







/**
 * A GitHub OIDC ID token for `audience`, masked the moment it exists. Asked of
 * ACTIONS_ID_TOKEN_REQUEST_URL with the job's request token, as @actions/core's getIDToken asks,
 * but over the action's own network client: no redirect is followed (the request token must go
 * nowhere else), timeout-sec and the sign-in size cap hold, and 429/5xx are retried within
 * retry-timeout.
 */
async function gitHubIdToken(audience, network, env = process.env) {
    const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!requestUrl || !requestToken) {
        throw new errors/* CallError */.RA(`GitHub OIDC: ${requestUrl ? 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' : 'ACTIONS_ID_TOKEN_REQUEST_URL'} is not set; ` +
            "add 'permissions: id-token: write' to the job");
    }
    // The runner masks it too; registering it here also lets scrub() remove an echo of it.
    (0,secrets/* maskSecret */.$l)(requestToken);
    const url = new URL(requestUrl);
    url.searchParams.set('audience', audience);
    const response = await network
        .trusting(url.origin)
        .sendGetRequestAsync(url.href, {
        headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' }
    });
    const token = response.body?.value;
    if (response.status !== 200 || typeof token !== 'string' || !token) {
        // Written without recursion: the answer may nest any depth.
        const detail = (0,failure_message/* serviceMessage */.XK)((0,json_text/* jsonHead */.RW)(response.body ?? '', untrusted_text/* MaxScanChars */.Lb).text);
        throw new errors/* CallError */.RA(`GET ${(0,endpoint_url/* withoutQuery */.j$)(url.href)} failed: ${response.status === 200 ? 'HTTP 200 without an ID token' : `HTTP ${response.status}`}${detail ? ` — ${detail}` : ''}`);
    }
    (0,secrets/* maskSecret */.$l)(token);
    return token;
}
/** The `sub` claim of a JWT, unverified (only to say which subject GitHub sent); undefined if unreadable. */
function subjectOf(jwt) {
    const sub = (0,token_claims/* readJwtPayload */.C)(jwt)?.['sub'];
    return typeof sub === 'string' ? sub : undefined;
}

// EXTERNAL MODULE: ./src/stand-ins/jsonwebtoken.ts
var jsonwebtoken = __webpack_require__(1468);
;// CONCATENATED MODULE: ./src/sign-in/entra-token.ts









/**
 * Client-credentials token from Entra ID through MSAL, over the action's own HTTP layer
 * (`transport`, closed when the token is had, or a new one).
 */
async function acquireEntraToken(credential, policy, transport) {
    const network = createMsalNetworkClient(policy, credential.app.authorityHost, transport);
    let oidcToken;
    const configuration = {
        auth: {
            clientId: credential.app.clientId,
            ...authorityOptions(credential.app.authorityHost, credential.app.tenant),
            ...clientProof(credential, network, token => (oidcToken = token))
        },
        system: { networkClient: network, disableInternalRetries: true }
    };
    try {
        // Only a certificate's client assertion is signed with it (see the stand-in).
        if (credential.kind === 'certificate')
            await (0,jsonwebtoken/* loadJsonWebToken */.eG)();
        const app = new dist/* ConfidentialClientApplication */.WR(configuration);
        const result = await app.acquireTokenByClientCredential({
            scopes: [credential.app.scope],
            skipCache: true
        });
        if (!result?.accessToken)
            throw new errors/* CallError */.RA('Entra ID returned no access token');
        (0,secrets/* maskSecret */.$l)(result.accessToken);
        return { token: result.accessToken, expiresAtMs: result.expiresOn?.getTime() };
    }
    catch (error) {
        throw new errors/* CallError */.RA((0,secrets/* scrub */._I)(describeTokenFailure(credential, error, network.lastFailure, oidcToken)));
    }
    finally {
        network.close();
    }
}
function clientProof(credential, network, onOidcToken) {
    switch (credential.kind) {
        case 'client-secret':
            return { clientSecret: credential.clientSecret };
        case 'certificate':
            return {
                clientCertificate: {
                    thumbprintSha256: credential.certificate.thumbprintSha256,
                    privateKey: credential.certificate.privateKey,
                    x5c: credential.certificate.chainPem
                }
            };
        case 'oidc':
            // A callback, so every token request gets a fresh GitHub ID token.
            return {
                clientAssertion: async () => {
                    const token = await gitHubIdToken(credential.audience, network);
                    onOidcToken(token);
                    return token;
                }
            };
    }
}
/**
 * One line: Entra's own AADSTS code and description (from MSAL's error, or from the answer
 * MSAL did not quote), our own diagnosis, or what the network saw; never a secret.
 */
function describeTokenFailure(credential, error, networkFailure, oidcToken) {
    const line = failureLine(credential, error, networkFailure, oidcToken);
    if (credential.kind !== 'oidc' || !credential.implicit)
        return line;
    return (`${line} (No ${constants/* Inputs */.G0.ClientSecret}, ${constants/* Inputs */.G0.ClientCertificate} or ${constants/* Inputs */.G0.Token} was given, so GitHub OIDC was used: ` +
        `if you meant one of them, check the secret's name and that this workflow may read it, or set '${constants/* Inputs */.G0.Auth}'.)`);
}
function failureLine(credential, error, networkFailure, oidcToken) {
    const where = `Token request to ${credential.app.authorityHost}/${credential.app.tenant} failed`;
    const details = error;
    const aadsts = entraErrorText(details.errorMessage ?? (0,errors/* oneLine */.TN)(error));
    if (aadsts)
        return `${where}: ${aadsts}${hintFor(aadsts, oidcToken)}`;
    // Our own diagnosis (a GitHub ID token refused) before what the network last saw.
    if (error instanceof errors/* CallError */.RA)
        return `${where}: ${error.message}`;
    if (networkFailure) {
        return `${where}: ${networkFailure}${hintFor(entraErrorText(networkFailure) ?? '', oidcToken)}`;
    }
    const code = details.errorCode ? `${details.errorCode}: ` : '';
    return `${where}: ${code}${(0,errors/* oneLine */.TN)(details.errorMessage ?? error)}`;
}
function hintFor(aadsts, oidcToken) {
    if (aadsts.startsWith('AADSTS700213:') && oidcToken) {
        return ` GitHub sent the subject '${subjectOf(oidcToken) ?? 'unknown'}': register it as the federated credential's subject.`;
    }
    if (aadsts.startsWith('AADSTS7000215:'))
        return ` Check '${constants/* Inputs */.G0.ClientSecret}'.`;
    if (aadsts.startsWith('AADSTS700016:'))
        return ` Check '${constants/* Inputs */.G0.ClientId}' and '${constants/* Inputs */.G0.Tenant}'.`;
    if (aadsts.startsWith('AADSTS90002:')) {
        return ` Check '${constants/* Inputs */.G0.Tenant}': it must be a tenant of the cloud '${constants/* Inputs */.G0.AuthorityHost}' signs in to.`;
    }
    return '';
}


/***/ }),

/***/ 1468:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ay: () => (__WEBPACK_DEFAULT_EXPORT__),
/* harmony export */   eG: () => (/* binding */ loadJsonWebToken)
/* harmony export */ });
/* unused harmony export sign */
/**
 * Stands in for `jsonwebtoken` in the bundle (tsconfig.json `paths`, which ncc resolves through).
 *
 * @azure/msal-node imports jsonwebtoken when it loads, for one call: `sign`, which signs the client
 * assertion of a certificate credential. Evaluating jsonwebtoken and its dependencies (jws,
 * semver, the lodash helpers) cost the client-secret and OIDC sign-ins, which never sign
 * anything, about 6 % of a whole call (a paired run on Node 24). The certificate sign-in loads
 * the real package first (`loadJsonWebToken`, src/sign-in/entra-token.ts), in a chunk of its own; `sign`
 * hands MSAL's call to it. Tests run against the real package (jest does not read `paths`);
 * `npm run bundle` fails when the bundle uses a name this file lacks
 * (scripts/stand-ins.mjs reads the bundler's module graph).
 *
 * Upstream: @azure/msal-node requires jsonwebtoken at the top of its bundle
 * (lib/msal-node.cjs). Remove this stand-in, and its `paths` entry, when MSAL loads it only to
 * sign (or signs with node:crypto).
 */
let real;
/** jsonwebtoken's `sign`, once loadJsonWebToken() has loaded the real package. */
function sign(payload, key, options) {
    if (!real) {
        throw new Error('jsonwebtoken is loaded on demand in this action: loadJsonWebToken() must run before MSAL signs (see src/stand-ins/jsonwebtoken.ts)');
    }
    return real.sign(payload, key, options);
}
/** As MSAL's ES module build imports it: `import jwt from 'jsonwebtoken'`, then `jwt.sign`. */
/* harmony default export */ const __WEBPACK_DEFAULT_EXPORT__ = ({ sign });
/** Loads the real jsonwebtoken, for a certificate credential's client assertion. */
async function loadJsonWebToken() {
    // A path inside the package: `paths` maps the bare name only, so this is the real one. It is
    // CommonJS: its exports are the namespace's default.
    const module = (await __webpack_require__.e(/* import() */ 653).then(__webpack_require__.t.bind(__webpack_require__, 9653, 23)));
    real ??= module.default ?? module;
}


/***/ })

};
