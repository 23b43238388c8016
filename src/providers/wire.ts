import type { ChatMessage, ContentPart } from '../prompt/prompt.js';
import { redact } from '../util/redact.js';

/**
 * Small pieces the native providers share: reading untyped replies safely,
 * one-line redacted error text, and the reference prompt taken apart into the
 * system text and the user turns that the Anthropic and Gemini APIs want.
 */

const MAX_ERROR_CHARS = 500;

/** Whitespace collapsed, cut to a readable length, secrets removed. */
export function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return redact(flat.length > MAX_ERROR_CHARS ? `${flat.slice(0, MAX_ERROR_CHARS)}…` : flat);
}

export function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}

export function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** A header reader over an SDK error's `headers` (a fetch `Headers`; anything else has no headers). */
export function sdkHeaders(headers: unknown): (name: string) => string | null {
  return (name) => (headers && typeof (headers as Headers).get === 'function' ? (headers as Headers).get(name) : null);
}

/** `data:image/png;base64,AAAA` → its media type and base64 data; null for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1] as string, data: m[2] as string } : null;
}

/** The prompt as the native APIs take it: the system prompt apart, then the user turns' parts in order. */
export interface SplitPrompt {
  /** The system messages' text (joined by blank lines), or null when there is none. */
  readonly system: string | null;
  readonly turns: readonly (readonly ContentPart[])[];
}

export function splitPrompt(messages: readonly ChatMessage[]): SplitPrompt {
  const system: string[] = [];
  const turns: ContentPart[][] = [];
  for (const m of messages) {
    const parts: readonly ContentPart[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'system') system.push(parts.map((p) => (p.type === 'text' ? p.text : '')).join(''));
    else turns.push([...parts]);
  }
  return { system: system.length > 0 ? system.join('\n\n') : null, turns };
}

/** A reply that was not what the API sends (an HTML page, text): what came back, and the URL hint. */
export function notJsonMessage(reply: unknown, baseUrlHint: string): string {
  return oneLine(`bad response: not JSON but "${String(reply).slice(0, 120)}"; ${baseUrlHint}`);
}

const NULL_BODY: ReadonlySet<number> = new Set([101, 204, 205, 304]);

/**
 * `fetch` that reads the whole reply before returning it. SDKs clear their
 * request timeout once the headers arrive, so a body that trickles in forever
 * (or is cut off) would hang, or fail outside the SDK's error types; read
 * inside `fetch`, it stays under the timeout and fails as a connection error.
 * The replies here are single JSON documents or a batch's results: small.
 */
export async function bufferedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  const bytes = await res.arrayBuffer();
  return new Response(NULL_BODY.has(res.status) ? null : bytes, { status: res.status, statusText: res.statusText, headers: res.headers });
}
