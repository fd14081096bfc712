// A web hook target for the e2e suites: a plain node:http server on 127.0.0.1 (random port) that
// records every request Bia's web_hook sends and answers what the test scripts.
//
//   const rx = await startHookReceiver();
//   rx.url('/hook')                       // "http://127.0.0.1:<port>/hook" for the hook's `url`
//   rx.serve('/body.jsonnet', text)       // serve a body template for `body: http://...`
//   rx.respond({ status: 400, json: { messages: [...] } })   // or a function (req, index) => answer
//   const [req] = await rx.waitFor(1);    // { method, path, headers, body, json, basicAuth, cookies, at }
//   rx.requests; rx.reset(); await rx.close();
//
// An answer is { status = 204, json, body, headers, delayMs }; `json` wins over `body`. Requests
// to served templates are answered from the table and are not recorded. Header names in
// `headers` are lower-case (node's convention).

import http from 'node:http';

function parseCookies(header) {
  const out = {};
  if (!header) return out;
  for (const part of String(header).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[part.slice(0, eq).trim()] = value;
  }
  return out;
}

function parseBasicAuth(header) {
  const m = /^Basic\s+(.+)$/i.exec(header || '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Starts a receiver; resolves once it listens. */
export async function startHookReceiver({ respond } = {}) {
  const requests = [];
  const templates = new Map();
  const waiters = [];
  let script = respond;
  const sockets = new Set();

  const answerFor = (rec, index) => {
    if (typeof script === 'function') return script(rec, index) || {};
    return script || {};
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url || '/';
      if (req.method === 'GET' && templates.has(path.split('?')[0])) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(templates.get(path.split('?')[0]));
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const rec = {
        method: req.method,
        path,
        headers: { ...req.headers },
        body,
        json,
        basicAuth: parseBasicAuth(req.headers.authorization),
        cookies: parseCookies(req.headers.cookie),
        at: Date.now(),
      };
      const index = requests.length;
      requests.push(rec);
      for (const w of waiters.splice(0)) w();

      const answer = answerFor(rec, index);
      const send = () => {
        if (res.destroyed) return;
        const status = answer.status ?? 204;
        const headers = { ...(answer.headers || {}) };
        let payload = '';
        if (answer.json !== undefined) {
          payload = JSON.stringify(answer.json);
          headers['content-type'] ??= 'application/json';
        } else if (answer.body !== undefined) {
          payload = String(answer.body);
        }
        if (status === 204 || status === 304) payload = '';
        res.writeHead(status, headers);
        res.end(payload);
      };
      if (answer.delayMs > 0) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    port,
    requests,
    url(path = '/hook') {
      return `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;
    },
    /** Serves `text` at `path` for GET (a body template); returns its URL. */
    serve(path, text) {
      templates.set(path, text);
      return this.url(path);
    },
    /** Sets the answer: an object or (request, index) => object. */
    respond(next) {
      script = next;
    },
    /** Resolves with the recorded requests once at least `n` arrived; rejects after timeoutMs. */
    async waitFor(n, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`hook receiver: expected ${n} request(s), got ${requests.length}`);
        await new Promise((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return requests.slice();
    },
    /** Forgets recorded requests (answers and templates stay). */
    reset() {
      requests.length = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
