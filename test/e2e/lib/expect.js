// Assertion and raw-HTTP helpers shared by the e2e suites.
//
// Everything here is independent of the server process; lib/server.js
// re-exports it so that test files only need one import.

import assert from 'node:assert/strict';
import http from 'node:http';

// HTTP reason phrases as written by the reference server (Go's
// net/http StatusText), which differ from Node's http.STATUS_CODES for a
// few codes (e.g. 413). Used to check `error.status` in error envelopes.
export const REASON_PHRASES = Object.freeze({
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
});

// Alternative spellings that are also accepted for `error.status`.
const REASON_ALIASES = Object.freeze({
  413: ['Payload Too Large', 'Content Too Large'],
  422: ['Unprocessable Content'],
});

/** Short printable form of a response body for assertion messages. */
export function describeBody(res) {
  if (!res) return '<no response>';
  let body = res.data !== undefined ? res.data : res.text;
  if (typeof body !== 'string') {
    try { body = JSON.stringify(body); } catch { body = String(body); }
  }
  if (body === undefined) body = '';
  return body.length > 2000 ? `${body.slice(0, 2000)}… (${body.length} chars)` : body;
}

/** Reads a header from an axios 0.x/1.x or rawRequest response. */
export function header(res, name) {
  const h = res && res.headers;
  if (!h) return undefined;
  if (typeof h.get === 'function' && !(h instanceof Map)) {
    const v = h.get(name);
    if (v !== undefined && v !== null) return v;
  }
  const lower = name.toLowerCase();
  for (const k of Object.keys(h)) {
    if (k.toLowerCase() === lower) return h[k];
  }
  return undefined;
}

/**
 * Awaits `promise` (an axios call or a rawRequest/http call) and asserts the
 * HTTP status. axios rejects on non-2xx; the error's `response` is used in
 * that case. Network errors (no response) are re-thrown. Returns the response.
 */
export async function expectStatus(promise, status, message) {
  let res;
  try {
    res = await promise;
  } catch (err) {
    if (err && err.response) {
      res = err.response;
    } else {
      throw err;
    }
  }
  assert.ok(res && typeof res.status === 'number', 'expected an HTTP response');
  const prefix = message ? `${message}: ` : '';
  assert.equal(
    res.status,
    status,
    `${prefix}expected HTTP ${status}, got ${res.status}; body: ${describeBody(res)}`,
  );
  return res;
}

/**
 * Asserts that `res` is an error response in the Kratos envelope
 * `{"error":{"code","status"?,"message",...}}` with `error.code === code`.
 * `expect` may pin `reason`, `message`, `id` (string = exact, RegExp = match).
 * Returns the inner error object.
 */
export function expectErrorEnvelope(res, code, expect = {}) {
  const ctx = `HTTP ${res.status} body: ${describeBody(res)}`;
  assert.equal(res.status, code, `expected HTTP ${code}; ${ctx}`);
  const ct = String(header(res, 'content-type') || '');
  assert.match(ct, /^application\/json/i, `error content-type must be JSON; ${ctx}`);
  let body = res.data !== undefined ? res.data : res.json;
  if (typeof body === 'string') {
    try { body = JSON.parse(body); } catch { assert.fail(`error body is not JSON; ${ctx}`); }
  }
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), `error body must be an object; ${ctx}`);
  const e = body.error;
  assert.ok(e && typeof e === 'object', `missing "error" object; ${ctx}`);
  assert.equal(e.code, code, `error.code must equal HTTP status; ${ctx}`);
  assert.equal(typeof e.message, 'string', `error.message must be a string; ${ctx}`);
  if (e.status !== undefined) {
    const allowed = [REASON_PHRASES[code], ...(REASON_ALIASES[code] || [])].filter(Boolean);
    if (allowed.length) {
      assert.ok(allowed.includes(e.status), `error.status ${JSON.stringify(e.status)} is not the reason phrase of ${code}; ${ctx}`);
    }
  }
  for (const key of ['id', 'status', 'request', 'reason', 'debug']) {
    if (e[key] !== undefined) {
      assert.equal(typeof e[key], 'string', `error.${key} must be a string when present; ${ctx}`);
      assert.notEqual(e[key], '', `error.${key} must be omitted rather than empty; ${ctx}`);
    }
  }
  for (const key of ['reason', 'message', 'id']) {
    const want = expect[key];
    if (want === undefined) continue;
    if (want instanceof RegExp) {
      assert.match(String(e[key] ?? ''), want, `error.${key}; ${ctx}`);
    } else {
      assert.equal(e[key], want, `error.${key}; ${ctx}`);
    }
  }
  return e;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertUuid(value, what = 'value') {
  assert.equal(typeof value, 'string', `${what} must be a string UUID, got ${JSON.stringify(value)}`);
  assert.match(value, UUID_RE, `${what} must be a lower-case UUID`);
}

// RFC 3339 date-time (with optional fractional seconds), Z or offset.
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function assertTimestamp(value, what = 'timestamp') {
  assert.equal(typeof value, 'string', `${what} must be an RFC 3339 string, got ${JSON.stringify(value)}`);
  assert.match(value, RFC3339_RE, `${what} must be RFC 3339: ${value}`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${what} must parse: ${value}`);
}

/**
 * Raw HTTP request via node:http (no client library, no automatic
 * redirects, no JSON munging). Returns an axios-like object:
 * { status, headers (lower-case keys), text, data (parsed JSON or text), json }.
 * `body` may be a string, Buffer or a plain object (JSON-encoded; the
 * Content-Type must then be given explicitly if wanted).
 * Rejects with the socket error if the connection fails/closes without a response.
 */
export function rawRequest(method, url, { headers = {}, body, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    let payload;
    if (body !== undefined && body !== null) {
      payload = Buffer.isBuffer(body) ? body
        : typeof body === 'string' ? Buffer.from(body)
          : Buffer.from(JSON.stringify(body));
    }
    const hdrs = { ...headers };
    if (payload && !Object.keys(hdrs).some((k) => k.toLowerCase() === 'content-length')) {
      hdrs['Content-Length'] = String(payload.length);
    }
    const req = http.request({
      method,
      hostname: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      headers: hdrs,
      agent: false, // fresh connection; never reuse a socket across tests
      timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = text.length ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({
          status: res.statusCode,
          statusText: res.statusMessage,
          headers: res.headers,
          text,
          json,
          data: json !== undefined ? json : text,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * Like rawRequest but for oversized uploads: the server may answer early
 * (e.g. 413) and/or close the connection while the body is still being
 * written. Resolves { response } when a response arrived, or
 * { closed: true, error } when the connection was closed without one.
 */
export function rawUpload(method, url, { headers = {}, body, timeoutMs = 30000 } = {}) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
    let settled = false;
    const done = (v) => { if (!settled) { settled = true; resolve(v); } };
    const req = http.request({
      method,
      hostname: u.hostname,
      port: u.port,
      path: `${u.pathname}${u.search}`,
      headers: { 'Content-Length': String(payload.length), ...headers },
      agent: false,
      timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      const finish = () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = text.length ? JSON.parse(text) : undefined; } catch { json = undefined; }
        done({
          response: {
            status: res.statusCode,
            headers: res.headers,
            text,
            json,
            data: json !== undefined ? json : text,
          },
        });
      };
      res.on('end', finish);
      res.on('error', finish); // body cut short: still report what we have
      res.on('close', finish);
    });
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    req.on('error', (error) => {
      // A response may already be on its way; give it a moment.
      setTimeout(() => done({ closed: true, error }), 200);
    });
    // Write in chunks so an early response/close is observed.
    const CHUNK = 256 * 1024;
    let off = 0;
    const pump = () => {
      while (off < payload.length) {
        if (req.destroyed) return;
        const ok = req.write(payload.subarray(off, off + CHUNK));
        off += CHUNK;
        if (!ok) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
}

/** Parses an RFC 8288 Link header into [{ url, rel, params }]. */
export function parseLinkHeader(value) {
  if (!value) return [];
  const out = [];
  for (const part of String(value).split(/,(?=\s*<)/)) {
    const m = part.match(/^\s*<([^>]*)>\s*(.*)$/);
    if (!m) continue;
    const params = {};
    for (const p of m[2].split(';')) {
      const kv = p.trim().match(/^([^=\s]+)\s*=\s*"?([^"]*)"?$/);
      if (kv) params[kv[1].toLowerCase()] = kv[2];
    }
    for (const rel of (params.rel || '').split(/\s+/).filter(Boolean)) {
      out.push({ url: m[1], rel: rel.toLowerCase(), params });
    }
  }
  return out;
}

let emailCounter = 0;
/** A unique, lower-case e-mail address for one test. */
export function uniqueEmail(prefix = 'user') {
  emailCounter += 1;
  const rnd = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${process.pid}-${emailCounter}-${rnd}@example.com`.toLowerCase();
}
