// Foundation suite: health, identity schemas, the identity model and the
// admin identities API, driven with Ory's published clients
// (@ory/client 0.2.0-alpha.60 = G1 v0alpha2 naming, @ory/kratos-client
// 26.2.0 = G2) plus raw HTTP for malformed input.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { MetadataApi, Configuration as KratosConfiguration } from '@ory/kratos-client';

import {
  DEFAULT_SCHEMA_PATH,
  FIXTURES_DIR,
  assertTimestamp,
  assertUuid,
  biaBinary,
  expectErrorEnvelope,
  expectStatus,
  header,
  parseLinkHeader,
  rawRequest,
  rawUpload,
  runBia,
  startBia,
  uniqueEmail,
} from './lib/server.js';

const SCHEMA = JSON.parse(fs.readFileSync(DEFAULT_SCHEMA_PATH, 'utf8'));
const HASHES = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'password-hashes.json'), 'utf8'));

const DEFAULT_SCHEMA_B64 = 'ZGVmYXVsdA'; // base64url("default"), no padding
const MSG_BAD_REQUEST = 'The request was malformed or contained invalid parameters';
const MSG_DB_NOT_FOUND = 'Unable to locate the resource';
const MSG_CONFLICT = 'Unable to insert or update resource because a resource with that value exists already';
const BCRYPT_COST4 = /^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/;
const SUITE_TIMEOUT = 180_000;

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

// ---------------------------------------------------------------------------
// helpers

function expectedSchemaUrl(bia) {
  return `${bia.publicUrl}/schemas/${DEFAULT_SCHEMA_B64}`;
}

/**
 * Checks an identity document against §3 of the model.
 *   email      the e-mail trait as sent (addresses/identifiers compared lower-cased)
 *   traits     exact traits expected
 *   state      'active' | 'inactive'
 *   password   true: credentials.password expected (no config); false: no password credential
 *   admin      admin response (credentials / metadata_admin rules)
 *   metadataPublic / metadataAdmin: expected values (undefined = unset)
 */
function assertIdentity(bia, identity, {
  email, traits, state = 'active', password = false, admin = true,
  metadataPublic, metadataAdmin, addressStatus = 'pending', addressVerified = false,
}) {
  const ctx = JSON.stringify(identity);
  assertUuid(identity.id, 'identity.id');
  assert.equal(identity.schema_id, 'default', ctx);
  assert.equal(identity.schema_url, expectedSchemaUrl(bia), 'schema_url = PUBLIC/schemas/<base64url(schema id)>');
  assert.equal(identity.state, state, ctx);
  assertTimestamp(identity.state_changed_at, 'state_changed_at');
  assert.deepEqual(identity.traits, traits);
  assertTimestamp(identity.created_at, 'created_at');
  assertTimestamp(identity.updated_at, 'updated_at');

  const lc = email.toLowerCase();
  assert.ok(Array.isArray(identity.verifiable_addresses), `verifiable_addresses must be an array: ${ctx}`);
  assert.equal(identity.verifiable_addresses.length, 1, ctx);
  const va = identity.verifiable_addresses[0];
  assertUuid(va.id, 'verifiable_addresses[0].id');
  assert.equal(va.value.toLowerCase(), lc);
  assert.equal(va.verified, addressVerified);
  assert.equal(va.via, 'email');
  assert.equal(va.status, addressStatus);
  if (!addressVerified) assert.equal(va.verified_at, undefined, 'verified_at only once verified');
  assertTimestamp(va.created_at, 'verifiable_addresses[0].created_at');
  assertTimestamp(va.updated_at, 'verifiable_addresses[0].updated_at');

  assert.ok(Array.isArray(identity.recovery_addresses), `recovery_addresses must be an array: ${ctx}`);
  assert.equal(identity.recovery_addresses.length, 1, ctx);
  const ra = identity.recovery_addresses[0];
  assertUuid(ra.id, 'recovery_addresses[0].id');
  assert.equal(ra.value.toLowerCase(), lc);
  assert.equal(ra.via, 'email');
  assertTimestamp(ra.created_at, 'recovery_addresses[0].created_at');
  assertTimestamp(ra.updated_at, 'recovery_addresses[0].updated_at');

  assert.ok('metadata_public' in identity, 'metadata_public is always present (null when unset)');
  assert.deepEqual(identity.metadata_public, metadataPublic === undefined ? null : metadataPublic);

  if (admin) {
    if (metadataAdmin === undefined) {
      assert.ok(!('metadata_admin' in identity) || identity.metadata_admin === undefined,
        `metadata_admin must be omitted when unset: ${ctx}`);
    } else {
      assert.deepEqual(identity.metadata_admin, metadataAdmin);
    }
    const creds = identity.credentials || {};
    if (password) {
      const pw = creds.password;
      assert.ok(pw, `credentials.password expected: ${ctx}`);
      assert.equal(pw.type, 'password');
      assert.deepEqual(pw.identifiers, [lc], 'password identifiers come from the traits, lower-cased');
      assert.equal(pw.version, 0);
      assert.ok(!('config' in pw), `credentials.password.config must be omitted: ${ctx}`);
      assertTimestamp(pw.created_at, 'credentials.password.created_at');
      assertTimestamp(pw.updated_at, 'credentials.password.updated_at');
    } else {
      assert.equal(creds.password, undefined, `no password credential expected: ${ctx}`);
    }
  } else {
    assert.ok(!('credentials' in identity), 'credentials only in admin responses');
    assert.ok(!('metadata_admin' in identity), 'metadata_admin only in admin responses');
  }
}

/** No credential config / hash anywhere in an identity (list items, default GET). */
function assertNoCredentialConfig(identity) {
  for (const [type, cred] of Object.entries(identity.credentials || {})) {
    assert.ok(!('config' in cred), `credentials.${type}.config must be omitted: ${JSON.stringify(identity)}`);
  }
  assert.doesNotMatch(JSON.stringify(identity), /\$2[aby]\$/, 'no password hash may leak');
}

function createBody(email, extra = {}) {
  return { schema_id: 'default', traits: { email }, ...extra };
}

async function alive(bia) {
  for (const base of [bia.publicUrl, bia.adminUrl]) {
    let res;
    try {
      res = await rawRequest('GET', `${base}/health/alive`);
    } catch (err) {
      assert.fail(`server stopped answering /health/alive on ${base}: ${err.message}\n${bia.diagnostics()}`);
    }
    assert.equal(res.status, 200, `/health/alive on ${base}\n${bia.diagnostics()}`);
  }
}

function postIdentity(bia, body, headers = JSON_HEADERS) {
  return rawRequest('POST', `${bia.adminUrl}/admin/identities`, {
    headers,
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

// ---------------------------------------------------------------------------

describe('identities (foundation)', { timeout: SUITE_TIMEOUT }, () => {
  let bia;

  before(async () => {
    bia = await startBia();
  });

  after(async () => {
    if (bia) await bia.close();
  });

  // -------------------------------------------------------------------------
  describe('health and version', () => {
    for (const which of ['public', 'admin']) {
      it(`GET /health/alive and /health/ready answer 200 {"status":"ok"} on the ${which} port`, async () => {
        const base = which === 'public' ? bia.publicUrl : bia.adminUrl;
        for (const p of ['/health/alive', '/health/ready']) {
          const res = await expectStatus(rawRequest('GET', `${base}${p}`), 200, `${which} ${p}`);
          assert.match(String(header(res, 'content-type')), /^application\/json/);
          assert.deepEqual(res.json, { status: 'ok' });
        }
      });

      it(`GET /version reports a version on the ${which} port`, async () => {
        const base = which === 'public' ? bia.publicUrl : bia.adminUrl;
        const res = await expectStatus(rawRequest('GET', `${base}/version`), 200);
        assert.equal(typeof res.json?.version, 'string', res.text);
        assert.notEqual(res.json.version, '');
      });
    }

    it('the G2 MetadataApi client reads health and version', async () => {
      const meta = new MetadataApi(new KratosConfiguration({ basePath: bia.publicUrl }));
      assert.deepEqual((await expectStatus(meta.isAlive(), 200)).data, { status: 'ok' });
      assert.deepEqual((await expectStatus(meta.isReady(), 200)).data, { status: 'ok' });
      assert.equal(typeof (await expectStatus(meta.getVersion(), 200)).data.version, 'string');
    });
  });

  // -------------------------------------------------------------------------
  describe('identity schemas', () => {
    it('GET /schemas lists "default" with the raw schema (public)', async () => {
      const res = await expectStatus(rawRequest('GET', `${bia.publicUrl}/schemas`), 200);
      assert.ok(Array.isArray(res.json), res.text);
      const entry = res.json.find((s) => s.id === 'default');
      assert.ok(entry, `default schema listed: ${res.text}`);
      assert.deepEqual(entry.schema, SCHEMA);
    });

    it('GET /admin/schemas lists "default" (admin)', async () => {
      const res = await expectStatus(rawRequest('GET', `${bia.adminUrl}/admin/schemas`), 200);
      const entry = res.json.find((s) => s.id === 'default');
      assert.ok(entry, res.text);
      assert.deepEqual(entry.schema, SCHEMA);
    });

    it('GET /schemas/default and /schemas/ZGVmYXVsdA return the raw schema', async () => {
      for (const id of ['default', DEFAULT_SCHEMA_B64]) {
        const res = await expectStatus(rawRequest('GET', `${bia.publicUrl}/schemas/${id}`), 200, id);
        assert.match(String(header(res, 'content-type')), /json/);
        assert.deepEqual(res.json, SCHEMA, `/schemas/${id}`);
      }
    });

    it('the identity schema_url can be fetched and is the raw schema', async () => {
      const res = await expectStatus(rawRequest('GET', expectedSchemaUrl(bia)), 200);
      assert.deepEqual(res.json, SCHEMA);
    });

    it('clients: @ory/client listIdentitySchemas/getIdentitySchema, G2 listIdentitySchemas via admin', async () => {
      const list = await expectStatus(bia.v0public.listIdentitySchemas(), 200);
      assert.deepEqual(list.data.find((s) => s.id === 'default')?.schema, SCHEMA);
      const one = await expectStatus(bia.v0public.getIdentitySchema('default'), 200);
      assert.deepEqual(one.data, SCHEMA);
      // G2 IdentityApi addresses /schemas on the admin base URL; the admin
      // port redirects (307) to /admin/schemas and axios follows.
      const g2 = await expectStatus(bia.identityApi.listIdentitySchemas(), 200);
      assert.deepEqual(g2.data.find((s) => s.id === 'default')?.schema, SCHEMA);
      const g2one = await expectStatus(bia.identityApi.getIdentitySchema({ id: DEFAULT_SCHEMA_B64 }), 200);
      assert.deepEqual(g2one.data, SCHEMA);
    });

    it('unknown schema id -> 404 envelope', async () => {
      const res = await rawRequest('GET', `${bia.publicUrl}/schemas/nope`);
      expectErrorEnvelope(res, 404, { reason: 'Identity schema `nope` could not be found.' });
      const viaClient = await expectStatus(bia.v0public.getIdentitySchema('does-not-exist'), 404);
      expectErrorEnvelope(viaClient, 404);
    });
  });

  // -------------------------------------------------------------------------
  describe('admin identities via @ory/client 0.2.0-alpha.60 V0alpha2Api', () => {
    it('adminCreateIdentity (traits only): 201, Location, identity model', async () => {
      const email = uniqueEmail('v0-create');
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email)), 201);
      const id = res.data.id;
      assertIdentity(bia, res.data, { email, traits: { email }, password: false });
      assert.equal(header(res, 'location'), `${bia.adminUrl}/identities/${id}`, 'Location = <admin base>/identities/<id>');
      assert.match(String(header(res, 'content-type')), /^application\/json/);

      // The Location resolves (via the admin-port redirect) to the identity.
      const followed = await fetch(header(res, 'location'), { headers: { Accept: 'application/json' } });
      assert.equal(followed.status, 200);
      assert.equal((await followed.json()).id, id);
    });

    it('adminCreateIdentity with a cleartext password: credentials.password without config', async () => {
      const email = uniqueEmail('v0-pw');
      const body = createBody(email, { credentials: { password: { config: { password: 'Cleartext-Passw0rd-e2e' } } } });
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(body), 201);
      assertIdentity(bia, res.data, { email, traits: { email }, password: true });
      assert.doesNotMatch(JSON.stringify(res.data), /Cleartext-Passw0rd-e2e/);

      // G2 include_credential=password shows the hash (bcrypt, cost from config).
      const full = await expectStatus(bia.identityApi.getIdentity({ id: res.data.id, includeCredential: ['password'] }), 200);
      const hash = full.data.credentials?.password?.config?.hashed_password;
      assert.match(String(hash), BCRYPT_COST4, 'hashed with bcrypt at hashers.bcrypt.cost = 4');
    });

    it('credential identifiers are lower-cased, traits are kept as sent', async () => {
      const email = uniqueEmail('v0-case').replace(/^v0-case/, 'V0-Case').replace('example.com', 'Example.COM');
      assert.notEqual(email, email.toLowerCase());
      const body = createBody(email, { credentials: { password: { config: { password: 'Another-Passw0rd-e2e' } } } });
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(body), 201);
      assert.deepEqual(res.data.traits, { email });
      assert.deepEqual(res.data.credentials.password.identifiers, [email.toLowerCase()]);
    });

    it('adminCreateIdentity importing a bcrypt hash keeps the hash', async () => {
      const email = uniqueEmail('v0-import');
      const { hash } = HASHES.bcrypt_2a_cost10;
      const body = createBody(email, { credentials: { password: { config: { hashed_password: hash } } } });
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(body), 201);
      assertIdentity(bia, res.data, { email, traits: { email }, password: true });
      const full = await expectStatus(bia.identityApi.getIdentity({ id: res.data.id, includeCredential: ['password'] }), 200);
      assert.equal(full.data.credentials.password.config.hashed_password, hash);
    });

    it('adminCreateIdentity with metadata, state and a verified address', async () => {
      const email = uniqueEmail('v0-meta');
      const body = createBody(email, {
        state: 'active',
        metadata_public: { plan: 'pro', tags: ['a', 'b'] },
        metadata_admin: { crm_id: '42' },
        verifiable_addresses: [{ value: email, via: 'email', verified: true, status: 'completed' }],
      });
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(body), 201);
      assertIdentity(bia, res.data, {
        email,
        traits: { email },
        metadataPublic: { plan: 'pro', tags: ['a', 'b'] },
        metadataAdmin: { crm_id: '42' },
        addressVerified: true,
        addressStatus: 'completed',
      });
    });

    it('adminGetIdentity returns credentials (no config) and metadata_admin', async () => {
      const email = uniqueEmail('v0-get');
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email, {
        metadata_admin: { crm_id: 'get-1' },
        credentials: { password: { config: { password: 'Get-Passw0rd-e2e' } } },
      })), 201);
      const res = await expectStatus(bia.v0admin.adminGetIdentity(created.data.id), 200);
      assertIdentity(bia, res.data, { email, traits: { email }, password: true, metadataAdmin: { crm_id: 'get-1' } });
      assert.equal(res.data.id, created.data.id);
      assert.equal(res.data.created_at, created.data.created_at);

      // include_credential=oidc is valid in every generation and must not expose the password config.
      const oidc = await expectStatus(bia.v0admin.adminGetIdentity(created.data.id, ['oidc']), 200);
      assert.ok(!('config' in oidc.data.credentials.password));
    });

    it('adminGetIdentity of an unknown id -> 404 "Unable to locate the resource"', async () => {
      const res = await expectStatus(bia.v0admin.adminGetIdentity('6f3b6a4e-5c1d-4e8a-9b7c-2d1e0f9a8b7c'), 404);
      expectErrorEnvelope(res, 404, { message: MSG_DB_NOT_FOUND });
    });

    it('adminListIdentities lists created identities without credential configs', async () => {
      const email = uniqueEmail('v0-list');
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email, {
        credentials: { password: { config: { password: 'List-Passw0rd-e2e' } } },
      })), 201);
      const res = await expectStatus(bia.v0admin.adminListIdentities(1000), 200);
      assert.ok(Array.isArray(res.data));
      const mine = res.data.find((i) => i.id === created.data.id);
      assert.ok(mine, 'created identity is listed');
      assert.deepEqual(mine.traits, { email });
      assert.equal(mine.schema_url, expectedSchemaUrl(bia));
      for (const item of res.data) assertNoCredentialConfig(item);
      assert.ok(Number(header(res, 'x-total-count')) >= res.data.length, 'X-Total-Count header');
    });

    it('adminUpdateIdentity replaces traits, clears omitted metadata, sets state', async () => {
      const email = uniqueEmail('v0-upd');
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email, {
        metadata_public: { a: 1 },
        metadata_admin: { b: 2 },
        credentials: { password: { config: { password: 'Update-Passw0rd-e2e' } } },
      })), 201);
      const id = created.data.id;
      const email2 = uniqueEmail('v0-upd2');
      const traits2 = { email: email2, name: { first: 'Ada', last: 'Lovelace' } };
      const res = await expectStatus(bia.v0admin.adminUpdateIdentity(id, {
        schema_id: 'default',
        state: 'inactive',
        traits: traits2,
      }), 200);
      assert.equal(res.data.id, id);
      assertIdentity(bia, res.data, { email: email2, traits: traits2, state: 'inactive', password: true });
      assert.equal(res.data.created_at, created.data.created_at);

      const got = await expectStatus(bia.v0admin.adminGetIdentity(id), 200);
      assertIdentity(bia, got.data, { email: email2, traits: traits2, state: 'inactive', password: true });

      // Setting metadata again and re-activating.
      const res2 = await expectStatus(bia.v0admin.adminUpdateIdentity(id, {
        schema_id: 'default',
        state: 'active',
        traits: traits2,
        metadata_public: { c: 3 },
        metadata_admin: { d: 4 },
      }), 200);
      assertIdentity(bia, res2.data, {
        email: email2, traits: traits2, password: true, metadataPublic: { c: 3 }, metadataAdmin: { d: 4 },
      });
    });

    it('adminDeleteIdentity: 204, then 404', async () => {
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail('v0-del'))), 201);
      const id = created.data.id;
      const del = await expectStatus(bia.v0admin.adminDeleteIdentity(id), 204);
      assert.ok(del.data === '' || del.data === undefined || del.data === null, 'empty 204 body');
      const gone = await expectStatus(bia.v0admin.adminGetIdentity(id), 404);
      expectErrorEnvelope(gone, 404, { message: MSG_DB_NOT_FOUND });
      expectErrorEnvelope(await expectStatus(bia.v0admin.adminDeleteIdentity(id), 404), 404);
    });
  });

  // -------------------------------------------------------------------------
  describe('admin identities via @ory/kratos-client 26.2.0 IdentityApi', () => {
    let id;
    let email;

    it('createIdentity: 201 with Location and the identity model', async () => {
      email = uniqueEmail('g2-create');
      const res = await expectStatus(bia.identityApi.createIdentity({
        createIdentityBody: createBody(email, {
          metadata_public: { plan: 'free' },
          metadata_admin: { note: 'g2' },
          credentials: { password: { config: { password: 'G2-Passw0rd-e2e' } } },
        }),
      }), 201);
      id = res.data.id;
      assertIdentity(bia, res.data, {
        email, traits: { email }, password: true, metadataPublic: { plan: 'free' }, metadataAdmin: { note: 'g2' },
      });
      assert.equal(header(res, 'location'), `${bia.adminUrl}/identities/${id}`);
    });

    it('getIdentity: credentials without config unless include_credential=password', async () => {
      const plain = await expectStatus(bia.identityApi.getIdentity({ id }), 200);
      assertIdentity(bia, plain.data, {
        email, traits: { email }, password: true, metadataPublic: { plan: 'free' }, metadataAdmin: { note: 'g2' },
      });
      assertNoCredentialConfig(plain.data);

      const withPw = await expectStatus(bia.identityApi.getIdentity({ id, includeCredential: ['password'] }), 200);
      const pw = withPw.data.credentials.password;
      assert.deepEqual(pw.identifiers, [email]);
      assert.match(String(pw.config?.hashed_password), BCRYPT_COST4);
    });

    it('listIdentities contains the identity', async () => {
      const res = await expectStatus(bia.identityApi.listIdentities({ perPage: 1000 }), 200);
      const mine = res.data.find((i) => i.id === id);
      assert.ok(mine, 'listed');
      assert.deepEqual(mine.traits, { email });
      for (const item of res.data) assertNoCredentialConfig(item);
    });

    it('updateIdentity replaces traits and metadata', async () => {
      const traits = { email, name: { first: 'Grace', last: 'Hopper' } };
      const res = await expectStatus(bia.identityApi.updateIdentity({
        id,
        updateIdentityBody: { schema_id: 'default', state: 'active', traits, metadata_public: { plan: 'team' } },
      }), 200);
      // Unchanged address keeps its state; metadata_admin omitted -> cleared.
      assertIdentity(bia, res.data, { email, traits, password: true, metadataPublic: { plan: 'team' } });
      const got = await expectStatus(bia.identityApi.getIdentity({ id }), 200);
      assertIdentity(bia, got.data, { email, traits, password: true, metadataPublic: { plan: 'team' } });
    });

    it('deleteIdentity: 204, then getIdentity 404', async () => {
      await expectStatus(bia.identityApi.deleteIdentity({ id }), 204);
      const res = await expectStatus(bia.identityApi.getIdentity({ id }), 404);
      expectErrorEnvelope(res, 404, { message: MSG_DB_NOT_FOUND });
    });
  });

  // -------------------------------------------------------------------------
  describe('bad input is answered with 4xx envelopes and the server survives', () => {
    afterEach(async () => {
      await alive(bia);
    });

    it('malformed JSON -> 400', async () => {
      const res = await postIdentity(bia, '{"schema_id": "default", "traits": {');
      expectErrorEnvelope(res, 400, { message: MSG_BAD_REQUEST });
    });

    it('empty body -> 400', async () => {
      const res = await postIdentity(bia, '');
      expectErrorEnvelope(res, 400);
    });

    it('text/plain body that is not JSON -> 4xx', async () => {
      const res = await postIdentity(bia, 'schema_id=default&traits.email=x@example.com', { 'Content-Type': 'text/plain' });
      assert.ok(res.status >= 400 && res.status < 500, `4xx expected, got ${res.status}: ${res.text}`);
      expectErrorEnvelope(res, res.status);
    });

    it('text/plain with a JSON body -> never 5xx (Kratos decodes admin bodies regardless of type)', async () => {
      const res = await postIdentity(bia, JSON.stringify(createBody(uniqueEmail('ct'))), { 'Content-Type': 'text/plain' });
      assert.ok(res.status === 201 || (res.status >= 400 && res.status < 500), `201 or 4xx expected, got ${res.status}: ${res.text}`);
      if (res.status !== 201) expectErrorEnvelope(res, res.status);
    });

    it('10 MiB body -> 413 envelope or connection closed, never 5xx', async () => {
      const email = uniqueEmail('huge');
      const prefix = `{"schema_id":"default","traits":{"email":"${email}","name":{"first":"`;
      const suffix = '"}}}';
      const size = 10 * 1024 * 1024;
      const body = Buffer.alloc(size, 'x');
      body.write(prefix, 0);
      body.write(suffix, size - suffix.length);
      const r = await rawUpload('POST', `${bia.adminUrl}/admin/identities`, { headers: JSON_HEADERS, body });
      if (r.response) {
        assert.ok(r.response.status < 500, `never 5xx, got ${r.response.status}`);
        expectErrorEnvelope(r.response, 413);
      } else {
        assert.ok(r.closed, 'connection closed');
      }
      // Whatever happened, no identity was created from the oversized body.
      const list = await expectStatus(bia.identityApi.listIdentities({ perPage: 1000 }), 200);
      assert.ok(!list.data.some((i) => i.traits?.email === email), 'oversized body must not create an identity');
    });

    it('invalid UUIDs in /admin/identities/{id} -> 404 or 400 envelope', async () => {
      const bad = ['not-a-uuid', '1234', '00000000-0000-0000-0000-00000000000g', `${'a'.repeat(200)}`];
      for (const id of bad) {
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const res = await rawRequest(method, `${bia.adminUrl}/admin/identities/${encodeURIComponent(id)}`, {
            headers: JSON_HEADERS,
            body: method === 'PUT' ? JSON.stringify({ schema_id: 'default', state: 'active', traits: { email: uniqueEmail('x') } }) : undefined,
          });
          assert.ok([400, 404].includes(res.status), `${method} ${id}: 400/404 expected, got ${res.status}: ${res.text}`);
          expectErrorEnvelope(res, res.status);
        }
      }
    });

    it('unknown but well-formed UUID -> 404 for GET, PUT and DELETE', async () => {
      const id = '0b6a5f3e-1f2d-4c3b-8a9e-7d6c5b4a3f2e';
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await rawRequest(method, `${bia.adminUrl}/admin/identities/${id}`, {
          headers: JSON_HEADERS,
          body: method === 'PUT' ? JSON.stringify({ schema_id: 'default', state: 'active', traits: { email: uniqueEmail('x') } }) : undefined,
        });
        expectErrorEnvelope(res, 404);
      }
    });

    it('traits violating the schema -> 400 with the validator text as reason', async () => {
      const cases = [
        { traits: { email: 'ab' }, reason: /length must be >= 3|is not valid "?email"?/ },
        { traits: {}, reason: /missing propert(y|ies).*email|Property email is missing/i },
        { traits: { email: uniqueEmail('t'), name: { first: 42 } }, reason: /expected string, but got number/ },
        { traits: { email: uniqueEmail('t'), nickname: 'nick' }, reason: /nickname/ },
        { traits: 'not-an-object', reason: /./ },
      ];
      for (const c of cases) {
        const res = await postIdentity(bia, { schema_id: 'default', traits: c.traits });
        expectErrorEnvelope(res, 400, { reason: c.reason, message: MSG_BAD_REQUEST });
      }
    });

    it('the schema violation reason for a too-short e-mail names the failing rule', async () => {
      // "a" fails both minLength and format; the validator text must mention one of them.
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(createBody('a')), 400);
      expectErrorEnvelope(res, 400, { reason: /length must be >= 3|is not valid/ });
    });

    it('unknown schema_id -> 400', async () => {
      const res = await postIdentity(bia, { schema_id: 'no-such-schema', traits: { email: uniqueEmail('s') } });
      expectErrorEnvelope(res, 400);
    });

    it('duplicate e-mail -> 409 (identifier and address, case-insensitive)', async () => {
      const email = uniqueEmail('dup');
      const withPw = (e) => createBody(e, { credentials: { password: { config: { password: 'Dup-Passw0rd-e2e' } } } });
      await expectStatus(bia.v0admin.adminCreateIdentity(withPw(email)), 201);

      const again = await postIdentity(bia, withPw(email));
      expectErrorEnvelope(again, 409, { message: MSG_CONFLICT });

      const upper = await postIdentity(bia, withPw(email.toUpperCase()));
      expectErrorEnvelope(upper, 409, { message: MSG_CONFLICT });

      // Without credentials the verifiable/recovery address is the duplicate.
      const email2 = uniqueEmail('dup-addr');
      await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email2)), 201);
      const addr = await postIdentity(bia, createBody(email2));
      expectErrorEnvelope(addr, 409, { message: MSG_CONFLICT });

      // Updating another identity to a taken address conflicts as well.
      const other = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail('dup-other'))), 201);
      const upd = await rawRequest('PUT', `${bia.adminUrl}/admin/identities/${other.data.id}`, {
        headers: JSON_HEADERS,
        body: JSON.stringify({ schema_id: 'default', state: 'active', traits: { email: email2 } }),
      });
      expectErrorEnvelope(upd, 409, { message: MSG_CONFLICT });
    });

    it('unknown body field -> 400 (strict decoder)', async () => {
      const res = await postIdentity(bia, { ...createBody(uniqueEmail('unk')), not_a_field: true });
      expectErrorEnvelope(res, 400);
    });

    it('invalid state -> 400 "identity state is not valid"', async () => {
      const res = await postIdentity(bia, createBody(uniqueEmail('state'), { state: 'sleeping' }));
      const e = expectErrorEnvelope(res, 400);
      assert.match(JSON.stringify(e), /identity state is not valid/);
    });

    it('unrecognised imported hash -> 400', async () => {
      const res = await postIdentity(bia, createBody(uniqueEmail('hash'), {
        credentials: { password: { config: { hashed_password: 'definitely-not-a-hash' } } },
      }));
      const e = expectErrorEnvelope(res, 400);
      assert.match(JSON.stringify(e), /does not match any known hash format/);
    });

    it('PUT without traits or with malformed JSON -> 400', async () => {
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail('put'))), 201);
      const url = `${bia.adminUrl}/admin/identities/${created.data.id}`;
      const noTraits = await rawRequest('PUT', url, { headers: JSON_HEADERS, body: '{"schema_id":"default","state":"active"}' });
      expectErrorEnvelope(noTraits, 400);
      const broken = await rawRequest('PUT', url, { headers: JSON_HEADERS, body: '{"traits":' });
      expectErrorEnvelope(broken, 400);
      // the identity is unchanged
      const got = await expectStatus(bia.v0admin.adminGetIdentity(created.data.id), 200);
      assert.deepEqual(got.data.traits, created.data.traits);
    });
  });

  // -------------------------------------------------------------------------
  describe('redirects between the ports', () => {
    it('admin port: a path without /admin is answered 307 to the prefixed path', async () => {
      for (const p of ['/identities', '/schemas']) {
        const res = await expectStatus(rawRequest('GET', `${bia.adminUrl}${p}`), 307, p);
        const loc = new URL(String(header(res, 'location')), bia.adminUrl);
        assert.equal(loc.pathname, `/admin${p}`);
        assert.equal(loc.port, String(bia.adminPort));
      }
    });

    it('admin port: /identities/<id> redirects to /admin/identities/<id> and resolves', async () => {
      const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail('redir'))), 201);
      const res = await expectStatus(rawRequest('GET', `${bia.adminUrl}/identities/${created.data.id}`), 307);
      const loc = new URL(String(header(res, 'location')), bia.adminUrl);
      assert.equal(loc.pathname, `/admin/identities/${created.data.id}`);
      const followed = await expectStatus(rawRequest('GET', loc.href), 200);
      assert.equal(followed.json.id, created.data.id);
    });

    it('public port: admin identity paths are answered 307 to the admin base URL', async () => {
      for (const p of ['/admin/identities', '/identities']) {
        const res = await expectStatus(rawRequest('GET', `${bia.publicUrl}${p}`), 307, p);
        const loc = new URL(String(header(res, 'location')), bia.publicUrl);
        assert.equal(loc.origin, new URL(bia.adminUrl).origin, `${p} -> ${loc.href}`);
        assert.match(loc.pathname, /identities$/);
      }
    });
  });
});

// ---------------------------------------------------------------------------

describe('pagination of adminListIdentities', { timeout: SUITE_TIMEOUT }, () => {
  let bia;
  const ids = [];

  before(async () => {
    bia = await startBia();
    for (let i = 0; i < 5; i++) {
      const res = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail(`page${i}`))), 201);
      ids.push(res.data.id);
    }
  });

  after(async () => {
    if (bia) await bia.close();
  });

  it('per_page=2 over 5 identities: Link and X-Total-Count headers, pages cover all', async () => {
    const first = await expectStatus(bia.v0admin.adminListIdentities(2), 200);
    assert.equal(first.data.length, 2);
    assert.equal(String(header(first, 'x-total-count')), '5');
    const links = parseLinkHeader(header(first, 'link'));
    const rels = new Set(links.map((l) => l.rel));
    for (const rel of ['first', 'next', 'last']) {
      assert.ok(rels.has(rel), `Link rel=${rel} missing: ${header(first, 'link')}`);
    }
    for (const l of links) {
      const q = new URL(l.url, bia.adminUrl).searchParams;
      assert.ok(q.has('page') && q.get('per_page') === '2', `Link ${l.rel} carries page and per_page=2: ${l.url}`);
    }

    // Walk rel=next (only its query is used, against the admin route).
    const seen = [...first.data.map((i) => i.id)];
    let next = links.find((l) => l.rel === 'next');
    let pages = 1;
    const visited = new Set();
    while (next && pages < 10) {
      const query = new URL(next.url, bia.adminUrl).search;
      if (visited.has(query)) break;
      visited.add(query);
      const res = await expectStatus(rawRequest('GET', `${bia.adminUrl}/admin/identities${query}`, { headers: { Accept: 'application/json' } }), 200);
      if (res.json.length === 0) break;
      pages += 1;
      assert.ok(res.json.length <= 2);
      seen.push(...res.json.map((i) => i.id));
      assert.equal(String(header(res, 'x-total-count')), '5');
      next = parseLinkHeader(header(res, 'link')).find((l) => l.rel === 'next');
    }
    assert.equal(pages, 3, 'three non-empty pages');
    assert.equal(new Set(seen).size, seen.length, 'no identity listed twice');
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  it('the rel=first page equals the page without a page parameter', async () => {
    const noPage = await expectStatus(bia.v0admin.adminListIdentities(2), 200);
    const firstLink = parseLinkHeader(header(noPage, 'link')).find((l) => l.rel === 'first');
    const firstPage = Number(new URL(firstLink.url, bia.adminUrl).searchParams.get('page'));
    const viaPage = await expectStatus(bia.v0admin.adminListIdentities(2, firstPage), 200);
    assert.deepEqual(viaPage.data.map((i) => i.id), noPage.data.map((i) => i.id));
  });

  it('G2 listIdentities honours perPage', async () => {
    const res = await expectStatus(bia.identityApi.listIdentities({ perPage: 2 }), 200);
    assert.equal(res.data.length, 2);
    const all = await expectStatus(bia.identityApi.listIdentities({ perPage: 100 }), 200);
    assert.deepEqual(all.data.map((i) => i.id).sort(), [...ids].sort());
  });
});

// ---------------------------------------------------------------------------

describe('persistence across a restart', { timeout: SUITE_TIMEOUT }, () => {
  let bia;

  before(async () => {
    bia = await startBia();
  });

  after(async () => {
    if (bia) await bia.close();
  });

  it('an identity survives a restart with the same data dir', async () => {
    const email = uniqueEmail('persist');
    const created = await expectStatus(bia.v0admin.adminCreateIdentity(createBody(email, {
      metadata_public: { p: 1 },
      metadata_admin: { q: 2 },
      credentials: { password: { config: { password: 'Persist-Passw0rd-e2e' } } },
    })), 201);
    const id = created.data.id;
    const snapshot = await expectStatus(bia.identityApi.getIdentity({ id, includeCredential: ['password'] }), 200);

    await bia.restart();
    const previousRun = bia.history.at(-1);
    assert.notEqual(previousRun.signal, 'SIGKILL', 'the server shuts down within 5 s of SIGTERM');

    const afterRestart = await expectStatus(bia.identityApi.getIdentity({ id, includeCredential: ['password'] }), 200);
    assert.deepEqual(afterRestart.data, snapshot.data);
    assertIdentity(bia, (await expectStatus(bia.v0admin.adminGetIdentity(id), 200)).data, {
      email, traits: { email }, password: true, metadataPublic: { p: 1 }, metadataAdmin: { q: 2 },
    });

    // Unique constraints are persisted too, and the server accepts new writes.
    expectErrorEnvelope(await postIdentity(bia, createBody(email)), 409, { message: MSG_CONFLICT });
    await expectStatus(bia.v0admin.adminCreateIdentity(createBody(uniqueEmail('persist-new'))), 201);
  });
});

// ---------------------------------------------------------------------------

describe('start-up configuration errors', { timeout: SUITE_TIMEOUT }, () => {
  const cases = [
    { key: 'serve.public.port', config: { serve: { public: { port: 'abc' } } } },
    { key: 'selfservice.flows.settings.privileged_session_max_age', config: { selfservice: { flows: { settings: { privileged_session_max_age: 'fifteen minutes' } } } } },
  ];

  for (const c of cases) {
    it(`invalid ${c.key} -> exit code 1 and a stderr line naming the key`, async () => {
      const r = await runBia({ config: c.config, timeoutMs: 10_000 });
      const diag = `stderr:\n${r.stderr}\nstdout:\n${r.stdout}\nconfig:\n${r.configText}`;
      assert.equal(r.timedOut, false, `process must exit by itself\n${diag}`);
      assert.equal(r.signal, null, diag);
      assert.equal(r.code, 1, diag);
      const lines = r.stderr.split('\n').filter((l) => l.includes(c.key));
      assert.ok(lines.length >= 1, `a stderr line names ${c.key}\n${diag}`);
    });
  }
});

// libphonenumber lives in a plugin (libbia-phone.so) loaded beside the binary or from ../lib/bia/.
// A binary copied without it refuses every tel value (fail closed); it must say so at start-up,
// not first at a refused sign-up.
describe('the phone number plugin', { timeout: SUITE_TIMEOUT }, () => {
  let dir;
  let schemaPath;
  before(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'bia-phone-'));
    const schema = structuredClone(SCHEMA);
    schema.properties.traits.properties.phone = { type: 'string', format: 'tel', title: 'Phone' };
    schemaPath = path.join(dir, 'tel.schema.json');
    await fs.promises.writeFile(schemaPath, JSON.stringify(schema));
  });
  after(async () => {
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const phoneIdentity = () => ({
    schema_id: 'default',
    traits: { email: uniqueEmail('tel'), phone: '+49 30 901820' },
  });
  const WARNING = 'identity schema uses format tel but the phone number library is not installed';

  it('a binary without the plugin warns at start-up and refuses tel values', async () => {
    const lonely = path.join(dir, 'bin', 'bia');
    await fs.promises.mkdir(path.dirname(lonely));
    await fs.promises.copyFile(biaBinary(), lonely);
    await fs.promises.chmod(lonely, 0o755);
    const bia = await startBia({ bin: lonely, schemaPath });
    try {
      const res = await postIdentity(bia, phoneIdentity());
      assert.equal(res.status, 400, `tel refused without the plugin: ${res.text}`);
      const warned = bia.stdout.text().split('\n').filter((l) => l.includes(WARNING));
      assert.equal(warned.length, 1, `one start-up warning\n${bia.diagnostics()}`);
      assert.match(warned[0], /"looked_in":"[^"]*libbia-phone\.so/);
    } finally {
      await bia.close();
    }
  });

  it('the built binary finds its plugin: no warning, tel values accepted', async () => {
    const bia = await startBia({ schemaPath });
    try {
      const res = await postIdentity(bia, phoneIdentity());
      assert.equal(res.status, 201, res.text);
      assert.ok(!bia.stdout.text().includes(WARNING), bia.diagnostics());
    } finally {
      await bia.close();
    }
  });
});
