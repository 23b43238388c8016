import { Agent, request } from 'undici';

/**
 * The HTTP transport the OpenAI SDK is given (`new OpenAI({ fetch: sdkFetch })`):
 * undici's `request` over one keep-alive `Agent`, instead of the WHATWG `fetch`
 * the SDK uses by default. Both are undici; `request` skips the web-streams
 * machinery of `fetch`, which was most of the per-request CPU of a run
 * (bench/transport.mjs measures them, and the hand-written node:http client
 * this replaced, side by side; BENCHMARKS.md says why this one was kept).
 *
 * The reply is read whole before the promise resolves, so the SDK's timeout
 * (which it clears once `fetch` resolves) also covers a body that trickles in
 * and never ends; undici's own timeouts are off, so `--timeout` is the one
 * limit (it may be longer than undici's 300 s default). The SDK reads a reply
 * through `status`, `ok`, `headers`, `json()` and `text()`, which a
 * `BufferedReply` gives without building a web stream per request. Bodies the
 * SDK streams (file uploads) go to the built-in `fetch`.
 */

let agent: Agent | null = null;

/** One pool of keep-alive connections per process, made on first use. */
function dispatcher(): Agent {
  agent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return agent;
}

function headerObject(given: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (given === undefined) return out;
  (given instanceof Headers ? given : new Headers(given)).forEach((v, k) => (out[k] = v));
  return out;
}

/** A reply read whole: the part of `Response` the SDK uses. */
class BufferedReply {
  readonly ok: boolean;
  readonly statusText = '';
  readonly body = null;
  readonly bodyUsed = false;
  readonly headers = new Headers();
  constructor(
    readonly status: number,
    raw: Record<string, string | string[] | undefined>,
    readonly url: string,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    for (const [k, v] of Object.entries(raw)) {
      if (typeof v === 'string') this.headers.append(k, v);
      else if (v) for (const x of v) this.headers.append(k, x);
    }
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

export async function sdkFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const body = init.body;
  const plainBody = body == null || typeof body === 'string' || body instanceof Uint8Array;
  if (input instanceof Request || !plainBody) return fetch(input, init);
  const reply = await request(input, {
    dispatcher: dispatcher(),
    method: (init.method ?? 'GET') as 'GET',
    headers: headerObject(init.headers),
    body: body ?? null,
    signal: init.signal ?? undefined,
  });
  const bytes = Buffer.from(await reply.body.arrayBuffer());
  return new BufferedReply(reply.statusCode, reply.headers, String(input), bytes) as unknown as Response;
}
