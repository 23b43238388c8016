import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loadExam } from '../../src/exam/registry.js';
import type { Exam, Question } from '../../src/exam/types.js';
import { userText } from '../../src/prompt/prompt.js';
import { DATA_ROOT } from './data.js';

/**
 * What the fake API servers (fake-anthropic.ts, fake-gemini.ts,
 * fake-openai-batch.ts) share: a local HTTP server that closes cleanly (hung
 * replies and kept-alive sockets included), JSON replies, the real exam to
 * answer from (a question is found by its user text, as the prompt builds
 * it), a request log, and the transport faults every fake injects as the
 * OpenAI-compatible one does (fake-openai.ts).
 */

/** Faults a test can ask a fake to inject; each fake words the HTTP ones in its API's error format. */
export type NativeFault =
  | { kind: '429'; retryAfter?: string }
  | { kind: '500' }
  | { kind: '503'; retryAfter?: string }
  /** Anthropic's overloaded_error. */
  | { kind: '529' }
  | { kind: '400' }
  | { kind: '401' }
  | { kind: '403' }
  | { kind: '404' }
  /** The connection is closed before any reply. */
  | { kind: 'drop' }
  /** No reply at all. */
  | { kind: 'hang' }
  /** 200 with JSON cut in the middle (content-length matches). */
  | { kind: 'malformed' }
  /** 200 with an HTML page (a proxy's error page, a wrong base URL). */
  | { kind: 'html' }
  /** 200 whose body stops half-way: the connection closes before content-length bytes. */
  | { kind: 'truncated' }
  /** 200 whose body trickles in a byte at a time and never ends. */
  | { kind: 'trickle' }
  /** A proper reply, cut off by the token limit. */
  | { kind: 'max-tokens' };

export interface FaultContext {
  readonly questionId: string | null;
  /** 1 for the first request for this question (and epoch, where the request tells it), 2 for the next, … */
  readonly attempt: number;
  /** 0-based index of the request over the server's life. */
  readonly index: number;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly questionId: string | null;
  readonly attempt: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
  /** An HTTP status, or "drop" / "hang". */
  outcome: number | 'drop' | 'hang' | 'pending';
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface HttpFake {
  /** e.g. http://127.0.0.1:12345 */
  readonly origin: string;
  /** Replies that must never end (hang, trickle) are tracked, so closing the server ends them. */
  hold(res: ServerResponse): void;
  close(): Promise<void>;
}

export async function startHttp(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<HttpFake> {
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(e) } });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    hold(res) {
      held.add(res);
      res.on('close', () => held.delete(res));
    },
    close() {
      for (const r of held) r.destroy();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The faults that are the same whatever the API: a dropped connection, no
 * reply, a reply cut short or never ending, a body that is not JSON. Returns
 * whether it replied; `fullBody` is what a proper reply would have been.
 */
export function transportFault(fault: NativeFault, fake: HttpFake, req: IncomingMessage, res: ServerResponse, entry: LoggedRequest, fullBody: string): boolean {
  switch (fault.kind) {
    case 'drop':
      entry.outcome = 'drop';
      req.socket.destroy();
      return true;
    case 'hang':
      entry.outcome = 'hang';
      fake.hold(res);
      return true;
    case 'malformed': {
      entry.outcome = 200;
      sendText(res, 200, fullBody.slice(0, Math.floor(fullBody.length / 2)), 'application/json');
      return true;
    }
    case 'html':
      entry.outcome = 200;
      sendText(res, 200, '<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>', 'text/html');
      return true;
    case 'truncated':
      entry.outcome = 'drop';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fullBody) });
      res.write(fullBody.slice(0, 30), () => req.socket.destroy());
      return true;
    case 'trickle': {
      entry.outcome = 'hang';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
      fake.hold(res);
      return true;
    }
    default:
      return false;
  }
}

/** The text of the first user message of a chat body (OpenAI's or Anthropic's: a string, or the first text part), by which a fake finds the question. */
export function chatUserText(body: Record<string, unknown>): string | null {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return null;
  const user = messages.find((m) => m && (m as { role?: string }).role === 'user') as { content?: unknown } | undefined;
  if (typeof user?.content === 'string') return user.content;
  if (!Array.isArray(user?.content)) return null;
  return (user.content.find((p) => p && (p as { type?: string }).type === 'text') as { text?: string } | undefined)?.text ?? null;
}

/** The real exam, and its questions by the user text the prompt sends. */
export function examIndex(): { exam: Exam; byText: Map<string, Question> } {
  const { exam } = loadExam({ dataDir: DATA_ROOT });
  const byText = new Map<string, Question>();
  for (const q of exam.questions) byText.set(userText(q), q);
  return { exam, byText };
}

/** Counts requests per key (question and epoch), for `FaultContext.attempt`. */
export class Attempts {
  private readonly counts = new Map<string, number>();
  next(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
  clear(): void {
    this.counts.clear();
  }
}

/** The answer text for a question: the gold answer, or what the test says. */
export function answerText(q: Question, answer?: (q: Question) => string): string {
  return `【回答】${answer ? answer(q) : q.answer.join(',')}`;
}
