import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exam, Question } from '../../src/exam/types.js';
import { hash32 } from '../../src/providers/random.js';
import { mulberry32 } from '../../src/util/prng.js';
import { chatUserText, examIndex, readBody, sendJson, sendText, startHttp, type FaultContext } from './fake-http.js';

export type { FaultContext } from './fake-http.js';

/**
 * A fake OpenAI-compatible chat completions server for tests and benches:
 * answers from the real dataset's key (or as told), logs every request with
 * its question id, time and concurrency, records the peak concurrency, and
 * injects faults on command.
 */

export type Fault =
  | { kind: '429'; retryAfter?: string }
  | { kind: '500' }
  | { kind: '503'; retryAfter?: string }
  | { kind: 'drop' }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  /** 200 with an HTML page (a proxy's error page, a wrong base URL). */
  | { kind: 'html' }
  /** What a static file server answers a POST: an HTML error page with this status. */
  | { kind: 'html-error'; status: number }
  /** 200 whose body stops half-way: the connection closes before content-length bytes. */
  | { kind: 'truncated' }
  /** 200 whose body trickles in a byte at a time and never ends. */
  | { kind: 'trickle' }
  | { kind: 'empty-choices' }
  | { kind: 'reasoning-only'; field?: 'reasoning' | 'reasoning_content' }
  | { kind: '400' }
  | { kind: '401' }
  | { kind: '403' }
  | { kind: '404' };

export interface LoggedRequest {
  readonly questionId: string | null;
  readonly attempt: number;
  /** ms since the server started */
  readonly t: number;
  /** requests in flight when this one arrived (itself included) */
  readonly concurrency: number;
  readonly model: string | null;
  readonly body: Record<string, unknown>;
  /** what the server did: an HTTP status, or "drop" / "hang" */
  outcome: number | 'drop' | 'hang' | 'pending';
}

export interface FakeOptions {
  /** Fixed latency per request, ms (or per question). */
  latencyMs?: number | ((questionId: string | null) => number);
  /** The answer text after 【回答】; default: the gold answer. */
  answer?: (q: Question, body: Record<string, unknown>) => string;
  /**
   * A model of known skill: question q is answered right with probability
   * `p(q)`, drawn per request from (q, the request's `seed`, `seed` here), so a
   * sample asked again (after a crash) gets the same answer and a run is
   * reproducible whatever the scheduling order. Wrong answers are a wrong letter
   * (or number). Overrides `answer`.
   */
  stochastic?: { p: (q: Question) => number; seed: number };
  fault?: (ctx: FaultContext) => Fault | undefined;
  /** When set, requests without `Authorization: Bearer <key>` get 401. */
  apiKey?: string;
  /** Keep each request's body in the log (default true; off for benches). */
  keepBodies?: boolean;
  /**
   * A concurrency limit the client is not told: a request arriving while this
   * many are being answered gets a 429 at once (with `Retry-After: retryAfter`
   * when set), as a gateway in front of a model server does.
   */
  concurrencyLimit?: { limit: number; retryAfter?: string };
}

export interface FakeServer {
  /** Base URL, e.g. http://127.0.0.1:12345/v1 */
  readonly url: string;
  readonly exam: Exam;
  readonly requests: LoggedRequest[];
  readonly peak: number;
  readonly inFlight: number;
  /** Requests refused with 429 by `concurrencyLimit` (logged with attempt 0, not counted in `peak`). */
  readonly rejectedOverLimit: number;
  /** Questions answered with a 200 and a full body. */
  readonly answered: Map<string, number>;
  options: FakeOptions;
  /** Forget the log and the peak (not the options). */
  /** Let requests an earlier run aborted reach the server before a reset (see settle below). */
  settle(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** The stochastic model's answer to one request (see `FakeOptions.stochastic`). */
export function stochasticAnswer(q: Question, body: Record<string, unknown>, model: { p: (q: Question) => number; seed: number }): string {
  const draw = mulberry32(hash32(`${model.seed}\0${q.id}\0${JSON.stringify(body['seed'] ?? null)}`))();
  if (draw < model.p(q)) return q.answer.join(',');
  if (q.type === 'calculation') return String(Number(q.answer[0] ?? 0) + 1);
  const wrong = q.choices.find((c) => !q.answer.includes(c)) ?? 'a';
  return q.selectCount > 1 ? [...q.answer.slice(1), wrong].sort().join(',') : wrong;
}

export async function startFakeOpenAI(options: FakeOptions = {}): Promise<FakeServer> {
  const { exam, byText } = examIndex();

  const started = performance.now();
  const requests: LoggedRequest[] = [];
  const attempts = new Map<string, number>();
  const answered = new Map<string, number>();
  let inFlight = 0;
  let peak = 0;
  let index = 0;
  let generation = 0;
  let rejectedOverLimit = 0;

  const state = {
    options,
    requests,
    answered,
    get peak() {
      return peak;
    },
    get inFlight() {
      return inFlight;
    },
    get rejectedOverLimit() {
      return rejectedOverLimit;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      return;
    }
    // A request that began arriving before the last reset() belongs to the previous test: answered, not logged.
    const gen = generation;
    const raw = (await readBody(req)).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, { error: { message: 'request body is not JSON' } });
      return;
    }
    const text = chatUserText(body);
    const q = text !== null ? (byText.get(text) ?? null) : null;
    const qid = q?.id ?? null;
    const hidden = state.options.concurrencyLimit;
    if (hidden && inFlight >= hidden.limit) {
      if (gen === generation) {
        rejectedOverLimit++;
        requests.push({
          questionId: qid,
          attempt: 0,
          t: performance.now() - started,
          concurrency: inFlight + 1,
          model: typeof body['model'] === 'string' ? body['model'] : null,
          body: {},
          outcome: 429,
        });
      }
      sendJson(res, 429, { error: { message: 'Too many concurrent requests' } }, hidden.retryAfter !== undefined ? { 'retry-after': hidden.retryAfter } : {});
      return;
    }
    const attempt = (attempts.get(qid ?? '') ?? 0) + 1;
    if (gen === generation) attempts.set(qid ?? '', attempt);
    inFlight++;
    peak = Math.max(peak, inFlight);
    const entry: LoggedRequest = {
      questionId: qid,
      attempt,
      t: performance.now() - started,
      concurrency: inFlight,
      model: typeof body['model'] === 'string' ? body['model'] : null,
      body: state.options.keepBodies === false ? {} : body,
      outcome: 'pending',
    };
    if (gen === generation) requests.push(entry);
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        inFlight--;
      }
    };
    res.on('close', done);
    res.on('finish', done);

    const ctx: FaultContext = { questionId: qid, attempt, index: index++ };
    const opt = state.options;
    const lat = typeof opt.latencyMs === 'function' ? opt.latencyMs(qid) : (opt.latencyMs ?? 0);
    if (lat > 0) await new Promise((r) => setTimeout(r, lat));
    if (res.destroyed) return;

    if (opt.apiKey !== undefined && req.headers['authorization'] !== `Bearer ${opt.apiKey}`) {
      entry.outcome = 401;
      const sent = String(req.headers['authorization'] ?? '').replace(/^Bearer /, '');
      sendJson(res, 401, { error: { message: `Incorrect API key provided: ${sent}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    const fault = opt.fault?.(ctx);
    if (fault) {
      switch (fault.kind) {
        case '429':
          entry.outcome = 429;
          sendJson(res, 429, { error: { message: 'Rate limit reached' } }, fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
          return;
        case '500':
        case '503':
        case '400':
        case '401':
        case '403':
        case '404': {
          const status = Number(fault.kind);
          entry.outcome = status;
          const headers: Record<string, string> = fault.kind === '503' && fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
          // Like real APIs, some error messages echo the key that was sent (tests check it is redacted).
          const echoed = String(req.headers['authorization'] ?? '').replace(/^Bearer /, '');
          const message =
            status === 404
              ? `The model \`${String(body['model'])}\` does not exist`
              : status === 400
                ? `fake error 400 for key ${echoed}`
                : `fake error ${status}`;
          sendJson(res, status, { error: { message } }, headers);
          return;
        }
        case 'drop':
          entry.outcome = 'drop';
          req.socket.destroy();
          return;
        case 'hang':
          entry.outcome = 'hang';
          fake.hold(res);
          return;
        case 'malformed': {
          entry.outcome = 200;
          const t = '{"id":"x","choices":[{"message":{"content":"【回答】a"';
          sendText(res, 200, t, 'application/json');
          return;
        }
        case 'html-error': {
          entry.outcome = fault.status;
          const t = `<!DOCTYPE html><html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: ${fault.status}</p></body></html>`;
          sendText(res, fault.status, t, 'text/html');
          return;
        }
        case 'html': {
          entry.outcome = 200;
          const t = '<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>';
          sendText(res, 200, t, 'text/html');
          return;
        }
        case 'truncated': {
          entry.outcome = 'drop';
          const t = '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"【回答】a"}}]}';
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t) });
          res.write(t.slice(0, 30), () => req.socket.destroy());
          return;
        }
        case 'trickle': {
          entry.outcome = 'hang';
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{');
          const timer = setInterval(() => res.write(' '), 50);
          res.on('close', () => clearInterval(timer));
          fake.hold(res);
          return;
        }
        case 'empty-choices':
          entry.outcome = 200;
          sendJson(res, 200, { id: 'x', object: 'chat.completion', created: 0, model: body['model'], choices: [] });
          return;
        case 'reasoning-only':
          break;
      }
    }
    if (!q) {
      entry.outcome = 400;
      sendJson(res, 400, { error: { message: 'unknown question' } });
      return;
    }
    const answer = opt.stochastic ? stochasticAnswer(q, body, opt.stochastic) : opt.answer ? opt.answer(q, body) : q.answer.join(',');
    const reasoningText = `考える。【回答】${answer}`;
    const message: Record<string, unknown> =
      fault?.kind === 'reasoning-only'
        ? { role: 'assistant', content: null, [fault.field ?? 'reasoning']: reasoningText }
        : { role: 'assistant', content: `【回答】${answer}` };
    entry.outcome = 200;
    answered.set(q.id, (answered.get(q.id) ?? 0) + 1);
    sendJson(res, 200, {
      id: `chatcmpl-${ctx.index}`,
      object: 'chat.completion',
      created: 0,
      model: body['model'],
      choices: [{ index: 0, message, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: text?.length ?? 0,
        completion_tokens: 12,
        total_tokens: (text?.length ?? 0) + 12,
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    });
  }

  const fake = await startHttp(handle);
  return Object.assign(state, {
    url: `${fake.origin}/v1`,
    exam,
    /**
     * Let requests that an earlier run aborted (written to the socket, not yet
     * seen by this in-process server) arrive before the next test resets the log.
     */
    async settle(): Promise<void> {
      await new Promise((r) => setTimeout(r, 50));
    },
    reset() {
      generation++;
      requests.length = 0;
      attempts.clear();
      answered.clear();
      rejectedOverLimit = 0;
      peak = inFlight;
    },
    close: () => fake.close(),
  });
}
