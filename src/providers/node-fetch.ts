import http from 'node:http';
import https from 'node:https';

/**
 * A small `fetch` for the OpenAI SDK on node:http(s) with keep-alive. The SDK
 * sends one JSON body and reads one JSON reply per request; Node's built-in
 * fetch (undici, web streams) spends about a millisecond of CPU on each, which
 * is most of the runner's cost. Anything unusual (a streamed body) goes to the
 * built-in fetch.
 */

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity }),
};

/** The part of `Headers` the SDK reads, over Node's parsed headers (no copy). */
class SmallHeaders {
  constructor(private readonly h: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.h[name.toLowerCase()] !== undefined;
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.h)) yield [k, this.get(k) as string];
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

class SmallResponse {
  readonly ok: boolean;
  readonly body = null;
  readonly bodyUsed = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: SmallHeaders,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }
  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

function abortError(): Error {
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const url = new URL(href);
  const body = init.body;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError();

  const headers: Record<string, string> = {};
  const given = init.headers;
  if (given instanceof Headers) given.forEach((v, k) => (headers[k] = v));
  else if (given) new Headers(given).forEach((v, k) => (headers[k] = v));
  const payload = body == null ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.byteLength);

  return new Promise<Response>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('connection closed before the reply was complete')));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        if (!res.complete) return reject(new Error('connection closed before the reply was complete'));
        resolve(
          new SmallResponse(res.statusCode ?? 0, res.statusMessage ?? '', new SmallHeaders(res.headers), href, Buffer.concat(chunks)) as unknown as Response,
        );
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
