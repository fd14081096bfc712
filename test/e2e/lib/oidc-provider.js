// A real OpenID provider for the social sign-in suites: node-oidc-provider (npm `oidc-provider`,
// pinned in package.json) on 127.0.0.1 with a free port, and no human in its interactions.
//
//   const op = await startOidcProvider({
//     clients: [{ client_id: 'bia-e2e', client_secret: 's3cret', redirect_uris: [cb] }],
//     accounts: { alice: { email: 'alice@example.com', email_verified: true, name: 'Alice' } },
//   });
//   op.issuer                       // "http://127.0.0.1:<port>" (discovery at /.well-known/openid-configuration)
//   op.setNextSubject('alice')      // whom the next sign-ins at the provider log in as (sticky)
//   op.setNextSubject('bob', { email: 'bob@example.com' })   // …registering the account first
//   op.addAccount(sub, claims); await op.addClient(metadata)  // later additions (e.g. once Bia's port is known)
//   op.denyNext('access_denied')    // the next interaction ends with that error instead of a login
//   op.requests                     // [{ method, path, route, status, params, clientAuth }] as served
//   op.logins                       // [{ sub, client_id, uid }] one per automatic login
//   op.jwks                         // the public keys (RS256 first = default, ES256 second)
//   await op.close()
//
// Configuration: authorization code flow only, PKCE (S256, the only method node-oidc-provider
// offers) required for every client, client auth `client_secret_basic` by default, ID tokens
// carrying the scope claims (conformIdTokenClaims: false; openid → sub, email → email and
// email_verified, profile → name), RS256 by default and ES256 for clients that ask for it
// (id_token_signed_response_alg). The keys are generated with node:crypto at start.
//
// Interactions (no HTML): /interaction/<uid> logs in as the chosen subject — the authorization
// request's `login_hint` when it names a known account, else the subject of setNextSubject — and
// grants every requested scope and claim, then redirects back to the provider, which redirects
// to the client's redirect_uri with the code. A provider session of another subject never
// short-circuits the choice: the login prompt is requested whenever the session's account differs,
// and the interaction then drops that session (as a sign-out at the provider would) and restarts
// the authorization request, so the browser never meets a page that needs JavaScript.

import crypto from 'node:crypto';
import http from 'node:http';

// node-oidc-provider 9 warns once at import that Node 20 is not a supported LTS (it runs fine on
// 20.20 here); keep that line out of the TAP output.
const { default: Provider, interactionPolicy } = await (async () => {
  const warn = console.warn;
  console.warn = (...args) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
    warn(...args);
  };
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
  }
})();

/** A fresh RSA (RS256) and P-256 (ES256) signing key pair as private JWKs with kids. */
function generateJwks() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const kid = () => crypto.randomBytes(8).toString('hex');
  return {
    keys: [
      { ...rsa, kid: `rs256-${kid()}`, alg: 'RS256', use: 'sig' },
      { ...ec, kid: `es256-${kid()}`, alg: 'ES256', use: 'sig' },
    ],
  };
}

/** The public half of a private JWK. */
function publicJwk(jwk) {
  const pub = crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
  return { ...pub, kid: jwk.kid, alg: jwk.alg, use: jwk.use };
}

/** Default claims of an account that was chosen without any. */
function defaultClaims(sub) {
  const local = String(sub).toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  return { email: `${local}@oidc.example.com`, email_verified: true, name: `Subject ${sub}` };
}

/**
 * node-oidc-provider's storage interface over Maps owned by one provider instance (its built-in
 * memory adapter keeps one module-wide store and warns that it is for development only).
 */
function memoryAdapterClass() {
  const store = new Map(); // `${model}:${id}` → { payload, expiresAt }
  const live = (key) => {
    const e = store.get(key);
    if (!e) return undefined;
    if (e.expiresAt && e.expiresAt <= Date.now()) { store.delete(key); return undefined; }
    return e.payload;
  };
  return class MapAdapter {
    constructor(model) { this.model = model; }
    key(id) { return `${this.model}:${id}`; }
    async upsert(id, payload, expiresIn) {
      store.set(this.key(id), { payload: { ...payload }, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : 0 });
      if (payload.uid) store.set(`${this.model}:uid:${payload.uid}`, { payload: id, expiresAt: 0 });
      if (payload.userCode) store.set(`${this.model}:userCode:${payload.userCode}`, { payload: id, expiresAt: 0 });
    }
    async find(id) { return live(this.key(id)); }
    async findByUid(uid) { const id = live(`${this.model}:uid:${uid}`); return id === undefined ? undefined : this.find(id); }
    async findByUserCode(code) { const id = live(`${this.model}:userCode:${code}`); return id === undefined ? undefined : this.find(id); }
    async consume(id) { const p = live(this.key(id)); if (p) p.consumed = Math.floor(Date.now() / 1000); }
    async destroy(id) { store.delete(this.key(id)); }
    async revokeByGrantId(grantId) {
      for (const [k, e] of store) if (e.payload && e.payload.grantId === grantId) store.delete(k);
    }
  };
}

const TTL = {
  AccessToken: 3600,
  AuthorizationCode: 60,
  ClientCredentials: 600,
  Grant: 3600,
  IdToken: 3600,
  Interaction: 600,
  RefreshToken: 86400,
  Session: 3600,
};

const CLIENT_DEFAULTS = {
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

/**
 * Starts node-oidc-provider on 127.0.0.1 (free port).
 * @param {object} [opts]
 * @param {object[]} [opts.clients]   client metadata (client_id, client_secret, redirect_uris, …)
 * @param {object} [opts.accounts]    sub → claims ({ email, email_verified, name, … })
 * @param {string} [opts.nextSubject] initial subject for the automatic logins
 * @param {object} [opts.ttl]         node-oidc-provider ttl overrides (seconds)
 */
export async function startOidcProvider({ clients = [], accounts = {}, nextSubject, ttl } = {}) {
  const accountClaims = new Map(Object.entries(accounts));
  const state = {
    nextSubject: nextSubject ?? accountClaims.keys().next().value,
    deny: null,
  };
  const requests = [];
  const logins = [];
  const errors = [];

  const server = http.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const jwks = generateJwks();

  const claimsOf = (sub) => ({ sub, ...(accountClaims.get(sub) ?? defaultClaims(sub)) });
  // login_hint naming a known account wins over the sticky subject.
  const chosenSubject = (params) => {
    const hint = params?.login_hint;
    if (hint && accountClaims.has(hint)) return hint;
    if (state.nextSubject === undefined) throw new Error('oidc-provider harness: no subject chosen (setNextSubject)');
    return state.nextSubject;
  };

  // The built-in policy, plus: log in again whenever the provider session belongs to someone
  // other than the subject chosen now.
  const { Check, base } = interactionPolicy;
  const policy = base();
  policy.get('login').checks.add(new Check('subject_switch', 'the test chose another subject', (ctx) => {
    const { oidc } = ctx;
    if (!oidc.session.accountId) return Check.NO_NEED_TO_PROMPT; // the built-in no_session check asks
    let wanted;
    try { wanted = chosenSubject(oidc.params); } catch { return Check.NO_NEED_TO_PROMPT; }
    return oidc.session.accountId === wanted ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({ ...CLIENT_DEFAULTS, ...c })),
    clientDefaults: { ...CLIENT_DEFAULTS, id_token_signed_response_alg: 'RS256' },
    jwks,
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
    },
    interactions: {
      policy,
      url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    adapter: memoryAdapterClass(),
    ttl: { ...TTL, ...(ttl || {}) },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() { return claimsOf(sub); },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `OpenID provider error: ${out.error}${out.error_description ? ` (${out.error_description})` : ''}\n`;
    },
  });

  // Record what was served (after the provider parsed the parameters).
  provider.use(async (ctx, next) => {
    await next();
    const o = ctx.oidc;
    requests.push({
      method: ctx.method,
      path: ctx.path,
      route: o?.route,
      status: ctx.status,
      params: o?.params ? { ...o.params } : undefined,
      clientAuth: o?.route === 'token' ? (ctx.get('authorization') ? 'basic' : 'body') : undefined,
    });
  });
  for (const ev of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error', 'jwks.error', 'discovery.error']) {
    provider.on(ev, (...args) => {
      const err = args.find((a) => a instanceof Error);
      errors.push({ event: ev, error: err?.error || err?.message, description: err?.error_description });
    });
  }

  async function interaction(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (state.deny) {
      const error = state.deny;
      state.deny = null;
      return provider.interactionFinished(req, res, { error, error_description: 'denied by the e2e test' }, { mergeWithLastSubmission: false });
    }
    if (prompt.name === 'login') {
      const sub = chosenSubject(params);
      if (session?.accountId && session.accountId !== sub) {
        // Someone else is signed in at the provider: sign them out (drop the session cookie) and
        // start the same authorization request again — instead of node-oidc-provider's
        // logout-confirmation page, which needs JavaScript to submit itself.
        const name = provider.cookieName('session');
        const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null));
        res.writeHead(303, {
          Location: `/auth?${query}`,
          'Set-Cookie': [name, `${name}.sig`].map((n) => `${n}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`),
        });
        res.end();
        return undefined;
      }
      logins.push({ sub, client_id: params.client_id, uid: details.uid });
      return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    }
    if (prompt.name === 'consent') {
      const d = prompt.details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes || {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end(`oidc-provider harness: unexpected prompt ${prompt.name}`);
    return undefined;
  }

  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((err) => {
        errors.push({ event: 'interaction', error: err.message });
        if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end(`interaction failed: ${err.message}\n`);
      });
      return;
    }
    callback(req, res);
  });

  return {
    issuer,
    port,
    provider,
    requests,
    logins,
    errors,
    jwks: { keys: jwks.keys.map(publicJwk) },
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    setNextSubject(sub, claims) {
      if (claims) accountClaims.set(sub, claims);
      state.nextSubject = sub;
    },
    get nextSubject() { return state.nextSubject; },
    addAccount(sub, claims) { accountClaims.set(sub, claims); },
    claimsOf,
    async addClient(metadata) {
      await provider.Client.adapter.upsert(metadata.client_id, { ...CLIENT_DEFAULTS, ...metadata });
      return provider.Client.find(metadata.client_id); // validates the metadata
    },
    denyNext(error = 'access_denied') { state.deny = error; },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------
// Helpers for tests that act as a relying party themselves (the harness self-test).

/** A PKCE verifier and its S256 challenge. */
export function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** Decodes a compact JWT without checking anything: { header, payload, signingInput, signature }. */
export function decodeJwt(jwt) {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) throw new Error(`not a compact JWS: ${parts.length} parts`);
  const [h, p, s] = parts;
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

/** Verifies an RS256 / ES256 JWT against a JWKS (by kid); returns the payload or throws. */
export function verifyJwt(jwt, jwks) {
  const { header, payload, signingInput, signature } = decodeJwt(jwt);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid}`);
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  let ok;
  if (header.alg === 'RS256') ok = crypto.verify('sha256', Buffer.from(signingInput), key, signature);
  else if (header.alg === 'ES256') ok = crypto.verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, signature);
  else throw new Error(`unexpected alg ${header.alg}`);
  if (!ok) throw new Error('bad signature');
  return payload;
}
