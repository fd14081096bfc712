// A loopback SMTP server for the e2e suites, in plain node (node:net, no dependency): it accepts
// what Bia's courier delivers and decodes the MIME message, so a test can read the mail a flow
// sent (the verification link, the recovery code).
//
//   const sink = await startSmtpSink();
//   startBia({ watchCourier: true, config: { courier: { smtp: { connection_uri: sink.url } } } })
//   const mail = await sink.waitForMail('ada@example.com', { timeoutMs: 10000 });
//   mail.from, mail.to, mail.subject, mail.text, mail.html, mail.headers, mail.raw, mail.auth
//   sink.failNext(2)        // answer 451 to the end of the next two messages' data
//   sink.messages           // everything accepted so far, oldest first
//   await sink.close();
//
// It speaks EHLO/HELO, AUTH PLAIN/LOGIN (credentials recorded, any accepted), MAIL FROM,
// RCPT TO, DATA (dot-unstuffed), RSET, NOOP and QUIT; it offers no STARTTLS, hence the
// `?disable_starttls=true` in `url`.

import net from 'node:net';

function decodeQuotedPrintable(text) {
  const bytes = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (B and Q) in a header value. */
function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset, enc, data) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')));
}

/** Header block → { lower-cased name: value } (unfolded, first occurrence wins) and the body. */
function splitMessage(raw) {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end + 4);
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(headers, body) {
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** { text, html } of a message: one text part, or the parts of a multipart body. */
function parseMime(raw) {
  const { headers, body } = splitMessage(raw);
  const out = { headers, text: '', html: '' };
  const type = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type);
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body.split(`--${boundary[1]}`).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      const p = splitMessage(part.replace(/^\r\n/, ''));
      const text = decodeBody(p.headers, p.body.replace(/\r\n$/, ''));
      if (/^text\/html/i.test(p.headers['content-type'] || '')) out.html = text;
      else if (/^text\/plain/i.test(p.headers['content-type'] || '')) out.text = text;
    }
  } else if (/^text\/html/i.test(type)) {
    out.html = decodeBody(headers, body.replace(/\r\n$/, ''));
  } else {
    out.text = decodeBody(headers, body.replace(/\r\n$/, ''));
  }
  out.subject = decodeWords(headers.subject || '');
  return out;
}

const address = (arg) => {
  const m = /<([^>]*)>/.exec(arg);
  return m ? m[1] : arg.trim();
};

/** Starts a sink on 127.0.0.1 (a random port); resolves once it listens. */
export async function startSmtpSink() {
  const messages = [];
  const waiters = [];
  const sockets = new Set();
  let failNext = 0;

  const notify = () => {
    for (const w of [...waiters]) {
      const found = messages.find((m) => m.to.includes(w.recipient) && !w.skip.has(m));
      if (found) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(found);
      }
    }
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const reply = (line) => socket.write(`${line}\r\n`);
    let buffer = '';
    let mode = 'command'; // 'data', 'auth-plain', 'auth-login-user', 'auth-login-pass'
    let env = { from: '', to: [], auth: undefined };
    let dataLines = [];

    const onLine = (line) => {
      if (mode === 'data') {
        if (line === '.') {
          mode = 'command';
          const raw = dataLines.map((l) => (l.startsWith('.') ? l.slice(1) : l)).join('\r\n') + '\r\n';
          dataLines = [];
          if (failNext > 0) {
            failNext--;
            reply('451 try again later');
            return;
          }
          const mime = parseMime(raw);
          messages.push({ from: env.from, to: [...env.to], auth: env.auth, raw, ...mime });
          reply('250 OK queued');
          notify();
        } else {
          dataLines.push(line);
        }
        return;
      }
      if (mode === 'auth-plain') {
        const [, user, password] = Buffer.from(line, 'base64').toString('utf8').split('\0');
        env.auth = { user, password };
        mode = 'command';
        reply('235 authenticated');
        return;
      }
      if (mode === 'auth-login-user') {
        env.auth = { user: Buffer.from(line, 'base64').toString('utf8') };
        mode = 'auth-login-pass';
        reply('334 UGFzc3dvcmQ6');
        return;
      }
      if (mode === 'auth-login-pass') {
        env.auth.password = Buffer.from(line, 'base64').toString('utf8');
        mode = 'command';
        reply('235 authenticated');
        return;
      }
      const space = line.indexOf(' ');
      const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
      const arg = space < 0 ? '' : line.slice(space + 1);
      switch (verb) {
        case 'EHLO':
          reply('250-bia-e2e-smtp-sink');
          reply('250-AUTH PLAIN LOGIN');
          reply('250 8BITMIME');
          break;
        case 'HELO':
          reply('250 bia-e2e-smtp-sink');
          break;
        case 'AUTH': {
          const [mech, initial] = arg.split(' ');
          if (mech.toUpperCase() === 'PLAIN') {
            if (initial) {
              const [, user, password] = Buffer.from(initial, 'base64').toString('utf8').split('\0');
              env.auth = { user, password };
              reply('235 authenticated');
            } else {
              mode = 'auth-plain';
              reply('334 ');
            }
          } else if (mech.toUpperCase() === 'LOGIN') {
            if (initial) {
              env.auth = { user: Buffer.from(initial, 'base64').toString('utf8') };
              mode = 'auth-login-pass';
              reply('334 UGFzc3dvcmQ6');
            } else {
              mode = 'auth-login-user';
              reply('334 VXNlcm5hbWU6');
            }
          } else {
            reply('504 unrecognised authentication type');
          }
          break;
        }
        case 'MAIL':
          env.from = address(arg);
          env.to = [];
          reply('250 OK');
          break;
        case 'RCPT':
          env.to.push(address(arg));
          reply('250 OK');
          break;
        case 'DATA':
          mode = 'data';
          reply('354 end data with <CR><LF>.<CR><LF>');
          break;
        case 'RSET':
          env = { from: '', to: [], auth: env.auth };
          reply('250 OK');
          break;
        case 'NOOP':
          reply('250 OK');
          break;
        case 'QUIT':
          reply('221 bye');
          socket.end();
          break;
        default:
          reply('502 command not implemented');
      }
    };

    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        // Bytes were read as latin1 so that a line never splits a character: back to UTF-8.
        onLine(Buffer.from(line, 'latin1').toString('utf8'));
      }
    });
    reply('220 bia-e2e-smtp-sink ready');
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  return {
    port,
    url: `smtp://127.0.0.1:${port}/?disable_starttls=true`,
    messages,
    failNext(n) {
      failNext = n;
    },
    /** The first message to `recipient` (not in `skip`), waiting up to timeoutMs for it. */
    waitForMail(recipient, { timeoutMs = 10000, skip = [] } = {}) {
      const skipSet = new Set(skip);
      const found = messages.find((m) => m.to.includes(recipient) && !skipSet.has(m));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { recipient, skip: skipSet, resolve };
        w.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no mail to ${recipient} within ${timeoutMs} ms (got ${messages.length} message(s))`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
