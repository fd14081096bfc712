// A tiny cookie-jar browser over rawRequest for the self-service e2e suites: it keeps cookies
// between requests (by name; Max-Age=0 / past Expires deletes) and never follows redirects, so
// tests can assert every 303 and Set-Cookie on its own.

import { rawRequest } from './expect.js';

/** Parses one Set-Cookie header value into { name, value, attrs } (attribute names lower-cased). */
export function parseSetCookie(line) {
  const parts = String(line).split(';').map((p) => p.trim());
  const [nv, ...rest] = parts;
  const eq = nv.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: nv.slice(0, eq), value: nv.slice(eq + 1), attrs };
}

/** All Set-Cookie headers of a rawRequest response, parsed. */
export function setCookies(res) {
  const h = res.headers['set-cookie'];
  if (!h) return [];
  return (Array.isArray(h) ? h : [h]).map(parseSetCookie);
}

export const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export class Browser {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.jar = new Map();
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res) {
    for (const c of setCookies(res)) {
      const expired = c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0;
      if (expired) this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
  }

  /**
   * One request; `json` sends Accept: application/json, `form` an url-encoded body, `body` a
   * JSON body. Relative URLs are resolved against the base URL.
   */
  async request(method, url, { json = false, form, body, headers = {} } = {}) {
    const hdrs = { Accept: json ? 'application/json' : HTML_ACCEPT, ...headers };
    if (this.jar.size) hdrs.Cookie = this.cookieHeader();
    let payload;
    if (form) {
      hdrs['Content-Type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    } else if (body !== undefined) {
      hdrs['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await rawRequest(method, new URL(url, this.baseUrl).toString(), { headers: hdrs, body: payload });
    this.store(res);
    return res;
  }

  get(url, opts) { return this.request('GET', url, opts); }
  post(url, opts) { return this.request('POST', url, opts); }
}
