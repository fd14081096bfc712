// The courier end to end (issue 15): a message in the queue is delivered by `serve
// --watch-courier` over real SMTP to a loopback sink (lib/smtp-sink.js), and the admin API
// (GET /admin/courier/messages[/{id}]) shows it sent, with its attempt count; a 451 from the
// mail server is retried after the back-off. No flow queues mail on this branch yet, so the tests
// put a queued row straight into the database (sqlite3 or psql), as the courier's Mailer would.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { startSmtpSink } from './lib/smtp-sink.js';
import { assertTimestamp, assertUuid, parseLinkHeader, startBia, uniqueEmail } from './lib/server.js';

const onPostgres = !!process.env.BIA_E2E_POSTGRES_DSN;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Inserts a queued message as courier::Courier stores one; returns its id. */
function queueMessage(bia, { recipient, subject, text, html }) {
  const id = randomUUID();
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const values = (now) => [q(id), q('email'), q('queued'), q(recipient), q(subject), q(text), q(html),
    q('verification_code_valid'), '0', now, now, now, q('')].join(', ');
  const sql = (now) => 'INSERT INTO courier_messages (id, type, status, recipient, subject, body, html_body, '
    + `template_type, send_count, created_at, updated_at, next_attempt_at, last_error) VALUES (${values(now)})`;
  if (onPostgres) {
    execFileSync('psql', [bia.config.dsn, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql('now()')], { encoding: 'utf8' });
  } else {
    const ns = (BigInt(Date.now()) * 1000000n).toString();
    execFileSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', bia.ctx.dbPath, sql(ns)], { encoding: 'utf8' });
  }
  return id;
}

async function admin(bia, path) {
  const res = await fetch(`${bia.adminUrl}${path}`, { headers: { Accept: 'application/json' } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function waitForStatus(bia, id, status, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await admin(bia, `/admin/courier/messages/${id}`);
    if (r.status === 200 && r.body.status === status) return r.body;
    if (Date.now() > until) throw new Error(`message ${id} not ${status} in time: ${JSON.stringify(r.body)}`);
    await sleep(100);
  }
}

describe('courier: queue → SMTP → admin API', () => {
  let sink;
  let bia;

  before(async () => {
    sink = await startSmtpSink();
    const uri = sink.url.replace('smtp://', 'smtp://bia-mailer:s3cret%21@');
    bia = await startBia({
      watchCourier: true,
      config: {
        courier: {
          smtp: { connection_uri: uri, from_address: 'accounts@bia.test', from_name: 'Bia Accounts' },
          worker: { pull_wait: '100ms' },
        },
      },
    });
  });

  after(async () => {
    await bia?.close();
    await sink?.close();
  });

  it('lists no messages on a fresh server, with a first-page link', async () => {
    const r = await admin(bia, '/admin/courier/messages');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, []);
    const links = parseLinkHeader(r.headers.get('link'));
    assert.ok(links.some((l) => l.rel === 'first'), r.headers.get('link'));
    assert.ok(!links.some((l) => l.rel === 'next'));
  });

  it('delivers a queued message over SMTP and shows it sent', async () => {
    const to = uniqueEmail('courier');
    const id = queueMessage(bia, {
      recipient: to,
      subject: 'Bestätigen Sie Ihre Adresse',
      text: 'Your code: 123456\n.a line starting with a dot\n',
      html: '<p>Your code: <b>123456</b></p>',
    });
    const mail = await sink.waitForMail(to);
    assert.equal(mail.from, 'accounts@bia.test');
    assert.deepEqual(mail.to, [to]);
    assert.equal(mail.subject, 'Bestätigen Sie Ihre Adresse');
    assert.equal(mail.text, 'Your code: 123456\r\n.a line starting with a dot\r\n');
    assert.equal(mail.html, '<p>Your code: <b>123456</b></p>');
    assert.match(mail.headers.from, /^"Bia Accounts" <accounts@bia\.test>$/);
    assert.deepEqual(mail.auth, { user: 'bia-mailer', password: 's3cret!' });

    const sent = await waitForStatus(bia, id, 'sent');
    assert.equal(sent.id, id);
    assert.equal(sent.type, 'email');
    assert.equal(sent.recipient, to);
    assert.equal(sent.send_count, 1);
    assert.equal(sent.template_type, 'verification_code_valid');
    assert.equal(sent.body, 'Your code: 123456\n.a line starting with a dot\n');
    assert.ok(!('html_body' in sent));
    assert.deepEqual(sent.dispatches, []);
    assertUuid(sent.id);
    assertTimestamp(sent.created_at);
    assertTimestamp(sent.updated_at);

    const list = await admin(bia, `/admin/courier/messages?status=sent&recipient=${encodeURIComponent(to)}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((m) => m.id), [id]);
    const queued = await admin(bia, `/admin/courier/messages?status=queued&recipient=${encodeURIComponent(to)}`);
    assert.deepEqual(queued.body, []);
  });

  it('retries after a 451 from the mail server', async () => {
    const to = uniqueEmail('retry');
    sink.failNext(1);
    const id = queueMessage(bia, { recipient: to, subject: 'Retry me', text: 'hello', html: '' });
    const mail = await sink.waitForMail(to, { timeoutMs: 15000 });
    assert.equal(mail.subject, 'Retry me');
    assert.equal(mail.text, 'hello');
    const sent = await waitForStatus(bia, id, 'sent');
    assert.equal(sent.send_count, 2, 'one failed attempt, one that went through');
  });

  it('pages newest first with page tokens', async () => {
    const to = uniqueEmail('paging');
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push(queueMessage(bia, { recipient: to, subject: `n${i}`, text: 't', html: '' }));
      await sleep(5);
    }
    const seen = [];
    let path = `/admin/courier/messages?recipient=${encodeURIComponent(to)}&page_size=2`;
    for (let page = 0; page < 5 && path; page++) {
      const r = await admin(bia, path);
      assert.equal(r.status, 200);
      seen.push(...r.body.map((m) => m.id));
      const next = parseLinkHeader(r.headers.get('link')).find((l) => l.rel === 'next');
      path = next ? next.url : null;
    }
    assert.deepEqual(seen, [...ids].reverse());
  });

  it('answers Kratos-shaped errors for bad queries and unknown ids', async () => {
    const missing = await admin(bia, `/admin/courier/messages/${randomUUID()}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 404);
    assert.equal((await admin(bia, '/admin/courier/messages/not-a-uuid')).status, 404);
    for (const q of ['status=failed', 'page_size=0', 'page_size=1001', 'page_token=garbage!']) {
      const r = await admin(bia, `/admin/courier/messages?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.error.code, 400, q);
    }
  });
});
