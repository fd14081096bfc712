// A minimal self-service UI for browser e2e suites, standing in for a real account UI: for
// /login, /registration and /settings it fetches the flow from Bia server-side (forwarding the
// browser's cookies, as Ory's reference UI does) and renders every node generically — inputs,
// buttons with their onclick, submit buttons, scripts with their integrity attributes, text and
// images — into one form posting to ui.action. Anything else answers a small "home" page.

import http from 'node:http';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

function renderNode(n) {
  const a = n.attributes || {};
  const label = n.meta?.label?.text ? esc(n.meta.label.text) : '';
  switch (a.node_type) {
    case 'script':
      return `<script src="${esc(a.src)}" type="${esc(a.type)}" integrity="${esc(a.integrity)}" crossorigin="${esc(a.crossorigin)}" referrerpolicy="${esc(a.referrerpolicy)}" nonce="${esc(a.nonce)}" id="${esc(a.id)}"${a.async ? ' async' : ''}></script>`;
    case 'text':
      return `<pre id="${esc(a.id)}">${esc(a.text?.text)}</pre>`;
    case 'img':
      return `<img id="${esc(a.id)}" src="${esc(a.src)}" width="${esc(a.width)}" height="${esc(a.height)}">`;
    case 'a':
      return `<a id="${esc(a.id)}" href="${esc(a.href)}">${esc(a.title?.text)}</a>`;
    default: {
      const value = typeof a.value === 'string' || typeof a.value === 'number' ? a.value : '';
      const disabled = a.disabled ? ' disabled' : '';
      if (a.type === 'button') {
        return `<button type="button" name="${esc(a.name)}" onclick="${esc(a.onclick)}"${disabled}>${label}</button>`;
      }
      if (a.type === 'submit') {
        return `<button type="submit" name="${esc(a.name)}" value="${esc(value)}"${disabled}>${label}</button>`;
      }
      return `<label>${label}<input name="${esc(a.name)}" type="${esc(a.type)}" value="${esc(value)}"${disabled}></label>`;
    }
  }
}

export function renderFlow(flow) {
  const messages = [...(flow.ui.messages || []), ...flow.ui.nodes.flatMap((n) => n.messages || [])];
  return `<!doctype html><html><head><meta charset="utf-8"><title>flow ${esc(flow.id)}</title></head><body>
<ul id="messages">${messages.map((m) => `<li data-id="${m.id}">${esc(m.text)}</li>`).join('')}</ul>
<form id="flow" action="${esc(flow.ui.action)}" method="${esc(flow.ui.method)}">
${flow.ui.nodes.map(renderNode).join('\n')}
</form><div id="state">${esc(flow.state ?? '')}</div></body></html>`;
}

/**
 * Starts the UI on 127.0.0.1:`port`; `biaPublicUrl` is where it fetches flows from.
 * Returns { close() }.
 */
export async function startUiServer({ port, biaPublicUrl }) {
  const kinds = { '/login': 'login', '/registration': 'registration', '/settings': 'settings' };
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://ui.invalid');
      const kind = kinds[url.pathname];
      const id = url.searchParams.get('flow');
      if (!kind || !id) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html><body><h1 id="home">home</h1></body></html>');
        return;
      }
      const r = await fetch(`${biaPublicUrl}/self-service/${kind}/flows?id=${encodeURIComponent(id)}`, {
        headers: { accept: 'application/json', cookie: req.headers.cookie || '' },
      });
      const body = await r.json();
      if (r.status !== 200) {
        res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html><body><pre id="error">${esc(JSON.stringify(body))}</pre></body></html>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderFlow(body));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.stack || err));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { close: () => new Promise((resolve) => server.close(resolve)) };
}
