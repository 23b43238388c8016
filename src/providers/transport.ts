import http from 'node:http';
import https from 'node:https';

/**
 * The HTTP transport the OpenAI SDK is given (`new OpenAI({ fetch: sdkFetch })`):
 * Node's own `http`/`https` with one keep-alive agent per protocol, behind the
 * small part of `fetch` the SDK uses. The SDK sends one JSON body and reads
 * one JSON reply per request; for that, this costs markedly less than the
 * alternatives measured side by side in bench/transport.mjs (the SDK's default
 * WHATWG `fetch`, undici's `fetch` and undici's `request` with its own agent):
 * CPU per request, memory and start-up (BENCHMARKS.md, "transport", says by
 * how much and why it was kept).
 *
 * The reply is read whole before the promise resolves, so the SDK's timeout
 * (which it clears once `fetch` resolves) also covers a body that trickles in
 * and never ends; a reply cut short is an error, never a truncated body.
 * Anything unusual (a streamed body, another protocol) goes to the built-in
 * `fetch`.
 */

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity }),
};

/** The part of `Headers` the SDK reads, over Node's parsed reply headers (no copy). */
class ReplyHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.raw)) {
      const v = this.get(k);
      if (v !== null) yield [k, v];
    }
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A reply read whole: the part of `Response` the SDK uses (`status`, `ok`, `headers`, `json()`, `text()`). */
class BufferedReply {
  readonly ok: boolean;
  readonly body = null;
  readonly bodyUsed = false;
  readonly headers: ReplyHeaders;
  constructor(
    readonly status: number,
    readonly statusText: string,
    raw: http.IncomingHttpHeaders,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ReplyHeaders(raw);
  }
  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }
}

function abortError(): Error {
  const e = new Error('This operation was aborted');
  e.name = 'AbortError';
  return e;
}

const CUT_SHORT = 'connection closed before the reply was complete';

export async function sdkFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const url = new URL(href);
  const body = init.body;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent || input instanceof Request || (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))) return fetch(input, init);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortError();

  const headers: Record<string, string> = {};
  const given = init.headers;
  if (given) (given instanceof Headers ? given : new Headers(given)).forEach((v, k) => (headers[k] = v));
  const payload = body == null ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  if (payload) headers['content-length'] = String(payload.byteLength);

  return new Promise<Response>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error(CUT_SHORT)));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        if (!res.complete) return reject(new Error(CUT_SHORT));
        const reply = new BufferedReply(res.statusCode ?? 0, res.statusMessage ?? '', res.headers, href, Buffer.concat(chunks));
        resolve(reply as unknown as Response);
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
