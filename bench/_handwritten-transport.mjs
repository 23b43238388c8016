// The hand-written `fetch` on node:http that src/providers/ used until undici's `request` replaced it
// (src/providers/transport.ts). Kept here, as JavaScript, only as a contender in bench/transport.mjs,
// so the choice stays measurable. Not used by jmle-bench itself.
import http from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity }),
};

class SmallHeaders {
  constructor(h) {
    this.h = h;
  }
  get(name) {
    const v = this.h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name) {
    return this.h[name.toLowerCase()] !== undefined;
  }
  forEach(fn) {
    for (const [k, v] of this.entries()) fn(v, k);
  }
  *entries() {
    for (const k of Object.keys(this.h)) yield [k, this.get(k)];
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

class SmallResponse {
  constructor(status, statusText, headers, url, bytes) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.url = url;
    this.bytes = bytes;
    this.ok = status >= 200 && status < 300;
    this.body = null;
    this.bodyUsed = false;
  }
  async text() {
    return this.bytes.toString('utf8');
  }
  async json() {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

function abortError() {
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

export async function handwrittenFetch(input, init = {}) {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const url = new URL(href);
  const body = init.body;
  const agent = agents[url.protocol];
  if (!agent || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError();
  const headers = {};
  const given = init.headers;
  if (given instanceof globalThis.Headers) given.forEach((v, k) => (headers[k] = v));
  else if (given) new globalThis.Headers(given).forEach((v, k) => (headers[k] = v));
  const payload = body == null ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.byteLength);
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('connection closed before the reply was complete')));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        if (!res.complete) return reject(new Error('connection closed before the reply was complete'));
        resolve(new SmallResponse(res.statusCode ?? 0, res.statusMessage ?? '', new SmallHeaders(res.headers), href, Buffer.concat(chunks)));
      });
    });
    const onAbort = () => {
      req.destroy(abortError());
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    req.end(payload);
  });
}
