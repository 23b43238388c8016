import http from 'node:http';
import type https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { nodeHttps } from '../util/builtin.js';

/**
 * The HTTP client of the OpenAI-compatible provider: Node's own `http` and
 * `https` with one keep-alive agent per protocol (`https`, with TLS, loads on
 * the first https request). A chat completion is one JSON body up and one
 * JSON reply down, so the provider speaks it directly
 * instead of loading an SDK for it: measured side by side in
 * bench/transport.mjs against the OpenAI SDK over its default `fetch`, over
 * undici and over this client (BENCHMARKS.md, "transport", says by how much
 * and why this was kept). Pooling, keep-alive and HTTP parsing are Node's.
 *
 * The reply is read whole before the promise resolves, so the timeout covers
 * a body that trickles in and never ends; a reply cut short is an error, never
 * a truncated body.
 */

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
let httpsClient: { readonly mod: typeof https; readonly agent: https.Agent } | undefined;

/** The module and agent for a URL's protocol, or null for a protocol this client does not speak. */
function clientFor(protocol: string): { readonly mod: typeof http | typeof https; readonly agent: http.Agent } | null {
  if (protocol === 'http:') return { mod: http, agent: httpAgent };
  if (protocol !== 'https:') return null;
  if (!httpsClient) {
    const mod = nodeHttps();
    httpsClient = { mod, agent: new mod.Agent({ keepAlive: true, maxSockets: Infinity }) };
  }
  return httpsClient;
}

/**
 * Close every idle keep-alive connection (those in use finish their
 * requests): for a caller with no more requests to make. A later request
 * opens a new one.
 */
export function closeIdleConnections(): void {
  for (const agent of [httpAgent, httpsClient?.agent]) {
    for (const sockets of Object.values(agent?.freeSockets ?? {})) for (const socket of sockets ?? []) socket.destroy();
  }
}

/** A reply read whole. Header names are lower case. */
export interface HttpReply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/** Why a request failed before a whole reply came back. */
export class TransportError extends Error {
  constructor(
    readonly reason: 'aborted' | 'timeout' | 'connection',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const CUT_SHORT = 'connection closed before the reply was complete';

/** One header's value (several joined by ", "), or null. */
export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | null {
  const v = headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

export interface PostOptions {
  /** The caller's abort: the request ends, as `aborted`. */
  readonly signal?: AbortSignal;
  /** The whole exchange, the reply's body included, ends within this many ms, or as `timeout`. */
  readonly timeoutMs?: number;
}

// A URL's request options (host, port, path…), worked out once per URL object, not at every request.
const targets = new WeakMap<URL, http.RequestOptions>();
function targetOf(url: URL): http.RequestOptions {
  let target = targets.get(url);
  if (!target) targets.set(url, (target = urlToHttpOptions(url)));
  return target;
}

/** POST a JSON text and read the reply whole. Rejects with a `TransportError` only. */
export function postJson(url: URL, headers: Readonly<Record<string, string>>, json: string, opts: PostOptions = {}): Promise<HttpReply> {
  const { signal, timeoutMs } = opts;
  const client = clientFor(url.protocol);
  if (!client) return Promise.reject(new TransportError('connection', `unsupported protocol ${url.protocol} (use http or https)`));
  if (signal?.aborted) return Promise.reject(new TransportError('aborted', 'request aborted'));
  const payload = Buffer.from(json, 'utf8');
  return new Promise<HttpReply>((resolve, reject) => {
    const { mod, agent } = client;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: TransportError) => {
      if (settled) return;
      settle();
      req.destroy();
      reject(e);
    };
    const req = mod.request(
      {
        ...targetOf(url),
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.byteLength) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => fail(new TransportError('connection', e.message)));
        res.on('aborted', () => fail(new TransportError('connection', CUT_SHORT)));
        res.on('end', () => {
          if (!res.complete) return fail(new TransportError('connection', CUT_SHORT));
          if (settled) return;
          settle();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const onAbort = () => fail(new TransportError('aborted', 'request aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => fail(new TransportError('timeout', `no whole reply within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) =>
      fail(new TransportError('connection', e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message)),
    );
    req.end(payload);
  });
}
