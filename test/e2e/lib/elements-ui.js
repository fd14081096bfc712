// A small self-service UI built the way Ory's 1.x reference UI (kratos-selfservice-ui-node 1.x,
// published on GitHub only) builds its pages, from the two npm packages that UI renders and
// talks with: @ory/client 1.x (installed under the alias "ory-client-1", FrontendApi) for every
// call to Bia, server-side, forwarding the browser's Cookie header; and @ory/elements-markup
// (UserAuthCard, UserSettingsCard, NodeMessages, the theme and its stylesheet) for the markup.
// The forms post straight to Bia (the flow's ui.action); this server never sees a password.
//
//   /login, /registration, /settings   without ?flow=: 303 to Bia's /self-service/<flow>/browser
//                                      (return_to, aal, refresh passed on); with ?flow=: the flow
//                                      fetched and rendered as cards
//                                      plus the flow's script nodes and trigger handlers (below)
//   /welcome                           toSession() as JSON (in <pre id="session">), a logout link
//   /error                             getFlowError() as JSON
//   /theme.css                         elements-markup's theme variables (its own express route
//                                      handler, called with a stand-in router)
//   /elements/style.css, /elements/assets/…   the package's bundled CSS, fonts and scripts
//   /.well-known/ory/webauthn.js       getWebAuthnJavaScript(), passed through (as the 1.x UI's
//                                      static routes do)
//
// elements-markup renders on the server with React's renderToString, so neither its
// includeScripts (a useEffect that appends the flow's <script> nodes) nor the buttons' onClick
// (eval of the node's onclick) reach the browser. The 1.x UI puts them in the page itself, with
// its js_setup partial under every flow's card: a <script> tag (src, type, integrity,
// referrerpolicy, crossorigin, async) for each script node of the webauthn and captcha groups,
// and an inline script that, once the window has loaded, adds each passkey/webauthn node's
// onclick code as a click listener on the elements of that name and runs its onload code.
// flowScripts() below does the same, so a security-key trigger button calls Bia's webauthn.js.
//
// calls[] records every Bia call (method, path, status, and the body of failures) so a suite
// can report exactly what a client call got when something is missing.

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

import * as elements from '@ory/elements-markup';
import { Configuration, FrontendApi } from 'ory-client-1';

const require = createRequire(import.meta.url);
const ELEMENTS_DIST = path.dirname(require.resolve('@ory/elements-markup/package.json')) + '/dist';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

const TYPES = { '.css': 'text/css', '.js': 'text/javascript', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

/** The theme stylesheet, produced by elements-markup's own /theme.css handler. */
function themeCss() {
  let handler;
  elements.RegisterOryElementsExpress({ use: (p, h) => { if (p === '/theme.css') handler = h; } }, elements.defaultLightTheme, () => ({}));
  let css = '';
  handler({}, { header() {}, send(s) { css = s; } });
  return css;
}

/** What the 1.x UI's js_setup partial adds under a flow's card (see the header). */
export function flowScripts(nodes) {
  const tags = nodes
    .filter((n) => ['webauthn', 'captcha'].includes(n.group) && n.attributes?.type === 'text/javascript')
    .map(({ attributes: a }) =>
      `<script src="${esc(a.src)}" type="${esc(a.type)}" integrity="${esc(a.integrity)}" referrerpolicy="${esc(a.referrerpolicy)}"` +
      ` crossorigin="${esc(a.crossorigin)}"${a.async ? ' async' : ''} data-testid="node/script/${esc(a.id)}"></script>`);
  // The node's code goes into the inline script verbatim, as the UI's triple-stash does; only a
  // "</" (which would end the script element) is written "<\/", the same string to JavaScript.
  const js = (code) => String(code).replace(/<\//g, '<\\/');
  const handlers = nodes
    .filter((n) => ['passkey', 'webauthn', 'default'].includes(n.group))
    .flatMap(({ attributes: a }) => [
      a.onclick && `document.getElementsByName(${JSON.stringify(a.name)}).forEach((el) => { el.addEventListener("click", () => { ${js(a.onclick)} }) })`,
      a.onload && js(a.onload),
    ])
    .filter(Boolean);
  return [...tags, `<script type="text/javascript">window.addEventListener("load", () => {\n${handlers.join('\n')}\n})</script>`];
}

function page(title, body, { scripts = [] } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/elements/assets/normalize.css">
<link rel="stylesheet" href="/elements/assets/inter-font.css">
<link rel="stylesheet" href="/elements/assets/jetbrains-mono-font.css">
<link rel="stylesheet" href="/elements/assets/fontawesome.min.css">
<link rel="stylesheet" href="/elements/assets/fa-solid.min.css">
<link rel="stylesheet" href="/elements/assets/fa-brands.min.css">
<link rel="stylesheet" href="/elements/style.css">
<link rel="stylesheet" href="/theme.css">
<style>body{background:var(--ory-theme-background-canvas);font-family:var(--ory-theme-font-family)} main{max-width:560px;margin:32px auto;display:flex;flex-direction:column;gap:32px}</style>
</head><body><main>${body}</main>
<script src="/elements/assets/passwordInput.js"></script>${scripts.join('')}</body></html>`;
}

/**
 * Starts the UI on 127.0.0.1:`port`. `biaPublicUrl`: where its server-side calls go;
 * `biaBrowserUrl`: the Bia URL it hands the browser (redirects to /self-service/…/browser).
 * Returns { calls, close() }.
 */
export async function startElementsUi({ port, biaPublicUrl, biaBrowserUrl }) {
  const calls = [];
  const frontend = new FrontendApi(new Configuration({ basePath: biaPublicUrl }));
  // Record every call the client makes (and what failures answered).
  const ax = frontend.axios;
  ax.interceptors.response.use(
    (r) => { calls.push({ method: r.config.method.toUpperCase(), url: r.config.url, status: r.status }); return r; },
    (e) => {
      calls.push({ method: e.config?.method?.toUpperCase(), url: e.config?.url, status: e.response?.status, body: e.response?.data });
      return Promise.reject(e);
    },
  );
  const css = themeCss();

  const initUrl = (flow, q, keys) => {
    const p = new URLSearchParams();
    for (const k of keys) p.set(k, q.get(k) || '');
    return `${biaBrowserUrl}/self-service/${flow}/browser?${p}`;
  };
  const logoutUrl = (cookie) =>
    frontend.createBrowserLogoutFlow({ cookie }).then(({ data }) => data.logout_url).catch(() => '');

  // Like the reference UI's redirectOnSoftError: an expired or foreign flow starts a new one; a
  // settings flow without a session (or needing aal2/refresh) goes where Bia says.
  const softError = (res, err, init) => {
    const status = err.response?.status;
    const data = err.response?.data;
    const to = data?.redirect_browser_to || data?.error?.details?.redirect_browser_to;
    if (to) return redirect(res, to);
    if (status === 401) return redirect(res, `/login`);
    if ([403, 404, 410].includes(status)) return redirect(res, init);
    throw err;
  };
  const redirect = (res, to) => { res.writeHead(303, { location: to }); res.end(); };
  const html = (res, s) => { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(s); };

  async function route(req, res) {
    const url = new URL(req.url, 'http://ui.invalid');
    const q = url.searchParams;
    const cookie = req.headers.cookie || '';
    const id = q.get('flow');
    switch (url.pathname) {
      case '/theme.css':
        res.writeHead(200, { 'content-type': 'text/css' });
        return res.end(css);
      case '/login': {
        const init = initUrl('login', q, ['aal', 'refresh', 'return_to']);
        if (!id) return redirect(res, init);
        let flow;
        try { ({ data: flow } = await frontend.getLoginFlow({ id, cookie })); } catch (e) { return softError(res, e, init); }
        const card = elements.UserAuthCard({
          title: flow.requested_aal === 'aal2' ? 'Two-Factor Authentication' : 'Sign in',
          flow,
          flowType: 'login',
          includeScripts: true,
          additionalProps: {
            forgotPasswordURL: '/recovery',
            signupURL: initUrl('registration', q, ['return_to']),
            logoutURL: await logoutUrl(cookie),
          },
        });
        return html(res, page('Sign in', card, { scripts: flowScripts(flow.ui.nodes) }));
      }
      case '/registration': {
        const init = initUrl('registration', q, ['return_to']);
        if (!id) return redirect(res, init);
        let flow;
        try { ({ data: flow } = await frontend.getRegistrationFlow({ id, cookie })); } catch (e) { return softError(res, e, init); }
        const card = elements.UserAuthCard({
          title: 'Create an account',
          flow,
          flowType: 'registration',
          includeScripts: true,
          additionalProps: { loginURL: initUrl('login', q, ['return_to']) },
        });
        return html(res, page('Registration', card, { scripts: flowScripts(flow.ui.nodes) }));
      }
      case '/settings': {
        const init = initUrl('settings', q, ['return_to']);
        if (!id) return redirect(res, init);
        let flow;
        try { ({ data: flow } = await frontend.getSettingsFlow({ id, cookie })); } catch (e) { return softError(res, e, init); }
        const logout = await logoutUrl(cookie);
        const cards = ['profile', 'password', 'totp', 'lookup_secret', 'webauthn', 'passkey', 'oidc']
          .map((method) => {
            const card = elements.UserSettingsCard({ flow, method, includeScripts: true });
            return card ? `<section id="${method}">${card}${elements.Divider({ fullWidth: false })}</section>` : '';
          })
          .join('');
        const body =
          elements.Typography({ children: 'Account settings', size: 'headline26' }) +
          `<div id="messages">${elements.NodeMessages({ uiMessages: flow.ui.messages, textPosition: 'start' })}</div>` +
          cards +
          `<a data-testid="logout" href="${esc(logout)}">Log out</a>`;
        return html(res, page('Account settings', body, { scripts: flowScripts(flow.ui.nodes) }));
      }
      case '/.well-known/ory/webauthn.js': {
        const { data } = await frontend.getWebAuthnJavaScript();
        res.writeHead(200, { 'content-type': 'text/javascript' });
        return res.end(data);
      }
      case '/welcome': {
        let session;
        try { ({ data: session } = await frontend.toSession({ cookie })); } catch (e) {
          if (e.response?.status === 401) return redirect(res, '/login');
          if (e.response?.status === 403) return redirect(res, `/login?aal=aal2&return_to=${encodeURIComponent('/welcome')}`);
          throw e;
        }
        const logout = await logoutUrl(cookie);
        const body =
          elements.Typography({ children: 'Welcome', size: 'headline26' }) +
          elements.CodeBox({ children: esc(JSON.stringify(session, null, 2)) }) +
          `<pre id="session" hidden>${esc(JSON.stringify(session))}</pre>` +
          `<a data-testid="settings" href="/settings">Account settings</a> <a data-testid="logout" href="${esc(logout)}">Log out</a>`;
        return html(res, page('Welcome', body));
      }
      case '/error': {
        let error = { id: q.get('id') };
        try { ({ data: error } = await frontend.getFlowError({ id: q.get('id') || '' })); } catch (e) { error = { failed: e.response?.status, body: e.response?.data }; }
        return html(res, page('Error', `<pre id="error">${esc(JSON.stringify(error, null, 2))}</pre>`));
      }
      default:
        if (url.pathname === '/elements/style.css' || url.pathname.startsWith('/elements/assets/')) {
          const rel = path.normalize(url.pathname.slice('/elements/'.length));
          if (rel.startsWith('..')) break;
          try {
            const data = await readFile(path.join(ELEMENTS_DIST, rel));
            res.writeHead(200, { 'content-type': TYPES[path.extname(rel)] || 'application/octet-stream' });
            return res.end(data);
          } catch { /* 404 below */ }
        }
        if (url.pathname === '/') return redirect(res, '/welcome');
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.stack || err) + (err?.response ? `\n${JSON.stringify(err.response.data)}` : ''));
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { calls, close: () => new Promise((resolve) => server.close(resolve)) };
}
