import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exam, Question } from '../../src/exam/types.js';
import {
  answerText,
  Attempts,
  chatUserText,
  examIndex,
  readBody,
  sendJson,
  sendText,
  startHttp,
  transportFault,
  type FaultContext,
  type LoggedRequest,
  type NativeFault,
} from './fake-http.js';

/**
 * A fake Anthropic API for tests: the Messages API (POST /v1/messages) and
 * Message Batches (create, retrieve, results), in their documented formats —
 * the key as `x-api-key` or (API version 2026-10-21, as SDK 1.x sends it)
 * `Authorization: Bearer`, the `anthropic-version` header, `{"type":"error","error":{type,
 * message}}` errors, `anthropic-ratelimit-*` and `retry-after` headers on a
 * 429, `overloaded_error` as 529, `max_tokens` required and checked against
 * the thinking budget, `custom_id` checked as the API does. Answers come from
 * the real dataset's key; faults are injected on command.
 */

export type BatchOutcome = 'succeeded' | 'errored' | 'expired' | 'canceled';

export interface FakeAnthropicOptions {
  /** Requests without this `x-api-key` get 401. */
  apiKey?: string;
  /** Fixed latency per Messages request, ms. */
  latencyMs?: number;
  /** The answer after 【回答】 (default: the gold answer). */
  answer?: (q: Question) => string;
  fault?: (ctx: FaultContext) => NativeFault | undefined;
  /** Batches stay in_progress while true. */
  holdBatches?: boolean;
  /** Retrieves a batch answers in_progress before it ends (default 1). */
  batchPollsToEnd?: number;
  /** What becomes of each batch item (default succeeded). */
  batchItem?: (item: { customId: string; questionId: string | null }) => BatchOutcome;
}

export interface FakeBatch {
  readonly id: string;
  readonly requests: { custom_id: string; params: Record<string, unknown> }[];
  polls: number;
  readonly createdAt: string;
}

export interface FakeAnthropic {
  /** The base URL as the SDK takes it (the host, no /v1). */
  readonly url: string;
  readonly exam: Exam;
  readonly requests: LoggedRequest[];
  readonly batches: Map<string, FakeBatch>;
  /** Batches created (POST /v1/messages/batches accepted). */
  readonly batchCreations: number;
  options: FakeAnthropicOptions;
  /** Forget the log, the batches and their count (not the options). */
  reset(): void;
  close(): Promise<void>;
}

/** The API versions the fake speaks: SDK 1.x sends 2026-10-21 (which refuses sampling parameters), older ones 2023-06-01. */
const VERSIONS: ReadonlySet<string> = new Set(['2023-06-01', '2026-10-21']);
const SAMPLING = ['temperature', 'top_p', 'top_k'] as const;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

function error(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, { 'request-id': `req_${Date.now()}`, ...headers });
}

/** What the real API refuses with 400 invalid_request_error, in its words (roughly). */
function invalid(params: Record<string, unknown>, model: unknown, version: string): string | null {
  if (typeof model !== 'string' || model === '') return 'model: Field required';
  if (version === '2026-10-21') {
    const sampling = SAMPLING.find((k) => params[k] !== undefined);
    if (sampling) return `${sampling}: not supported in API version 2026-10-21`;
  }
  const maxTokens = params['max_tokens'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) return 'max_tokens: Field required';
  const thinking = params['thinking'] as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'enabled') {
    const b = thinking.budget_tokens;
    if (typeof b !== 'number' || b < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (maxTokens <= b) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  }
  const messages = params['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: Field required';
  for (const m of messages as { role?: string; content?: unknown }[]) {
    if (m.role !== 'user' && m.role !== 'assistant') return `messages: Unexpected role "${String(m.role)}". Use the top-level \`system\` parameter`;
    if (!Array.isArray(m.content)) continue;
    for (const b of m.content as { type?: string; source?: { type?: string; media_type?: string; data?: string } }[]) {
      if (b.type === 'image' && (b.source?.type !== 'base64' || !b.source.media_type || !b.source.data)) return 'messages: image source must be base64 data';
    }
  }
  return null;
}

/** The Messages API reply to a request, as the real one shapes it. */
function messageReply(params: Record<string, unknown>, q: Question, opts: FakeAnthropicOptions, index: number, cut: boolean): Record<string, unknown> {
  const thinking = (params['thinking'] as { type?: string } | undefined)?.type;
  const thinks = thinking === 'enabled' || thinking === 'adaptive';
  const text = answerText(q, opts.answer);
  const content: Record<string, unknown>[] = [];
  if (thinks) content.push({ type: 'thinking', thinking: `考える: ${q.id} の選択肢を順に検討する。`, signature: 'EqQBCgIYAhIM' });
  if (!cut) content.push({ type: 'text', text });
  const prompt = (chatUserText(params) ?? '').length;
  return {
    id: `msg_${index}`,
    type: 'message',
    role: 'assistant',
    model: params['model'],
    content,
    stop_reason: cut ? 'max_tokens' : 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: prompt,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 7,
      output_tokens: thinks ? 40 : 12,
      ...(thinks ? { output_tokens_details: { thinking_tokens: 28 } } : {}),
      service_tier: 'standard',
    },
  };
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const { exam, byText } = examIndex();
  const requests: LoggedRequest[] = [];
  const batches = new Map<string, FakeBatch>();
  const attempts = new Attempts();
  let index = 0;
  let creations = 0;
  // Ids stay unique across reset(), which forgets the count and the batches.
  let serial = 0;
  let generation = 0;
  // Getters live on this object: Object.assign below would copy their values, not them.
  const state = {
    options,
    get batchCreations() {
      return creations;
    },
  };

  const rateHeaders = (): Record<string, string> => ({
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': new Date(Date.now() + 60_000).toISOString(),
  });

  function itemOutcome(b: FakeBatch, r: FakeBatch['requests'][number]): BatchOutcome {
    const text = chatUserText(r.params);
    const q = text !== null ? (byText.get(text) ?? null) : null;
    return state.options.batchItem?.({ customId: r.custom_id, questionId: q?.id ?? null }) ?? 'succeeded';
  }

  function batchObject(b: FakeBatch, origin: string): Record<string, unknown> {
    const ended = !state.options.holdBatches && b.polls > (state.options.batchPollsToEnd ?? 1);
    const n = b.requests.length;
    const counts = { processing: n, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (ended) {
      counts.processing = 0;
      for (const r of b.requests) counts[itemOutcome(b, r)]++;
    } else {
      // Part-way: a share of the items done, all succeeded so far.
      const done = Math.min(n - 1, Math.floor((n * b.polls) / ((state.options.batchPollsToEnd ?? 1) + 2)));
      counts.succeeded = Math.max(0, done);
      counts.processing = n - counts.succeeded;
    }
    const now = new Date().toISOString();
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: counts,
      ended_at: ended ? now : null,
      created_at: b.createdAt,
      expires_at: new Date(Date.parse(b.createdAt) + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `${origin}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gen = generation;
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return error(res, 400, 'invalid_request_error', 'request body is not JSON');
      }
    }
    const isMessages = req.method === 'POST' && path === '/v1/messages';
    const text = isMessages ? chatUserText(body) : null;
    const q = text !== null ? (byText.get(text) ?? null) : null;
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path,
      questionId: q?.id ?? null,
      attempt: isMessages ? attempts.next(q?.id ?? '') : 0,
      headers: req.headers,
      body,
      outcome: 'pending',
    };
    if (gen === generation) requests.push(entry);
    const reply = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      entry.outcome = status;
      sendJson(res, status, data, { 'request-id': `req_${index}`, ...rateHeaders(), ...headers });
    };
    const fail = (status: number, type: string, message: string, headers: Record<string, string> = {}) => {
      entry.outcome = status;
      error(res, status, type, message, headers);
    };

    const opt = state.options;
    const key = String(req.headers['x-api-key'] ?? String(req.headers['authorization'] ?? '').replace(/^Bearer /, ''));
    if (opt.apiKey !== undefined && key !== opt.apiKey) return fail(401, 'authentication_error', 'invalid x-api-key');
    const version = String(req.headers['anthropic-version'] ?? '');
    if (!VERSIONS.has(version)) return fail(400, 'invalid_request_error', `anthropic-version: "${version}" is not a valid version`);

    if (isMessages) {
      const ctx: FaultContext = { questionId: q?.id ?? null, attempt: entry.attempt, index: index++ };
      if (opt.latencyMs) await new Promise((r) => setTimeout(r, opt.latencyMs));
      if (res.destroyed) return;
      const fault = opt.fault?.(ctx);
      const problem = invalid(body, body['model'], version);
      if (problem) return fail(400, 'invalid_request_error', problem);
      if (fault) {
        switch (fault.kind) {
          case '429': {
            const reset = new Date(Date.now() + 2000).toISOString();
            return fail(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
              ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
              'anthropic-ratelimit-requests-limit': '50',
              'anthropic-ratelimit-requests-remaining': '0',
              'anthropic-ratelimit-requests-reset': reset,
            });
          }
          case '529':
            return fail(529, 'overloaded_error', 'Overloaded');
          case '500':
            return fail(500, 'api_error', 'Internal server error');
          case '503':
            return fail(503, 'api_error', 'Service unavailable', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
          case '400':
            return fail(400, 'invalid_request_error', `fake error 400 for key ${key}`);
          case '401':
            return fail(401, 'authentication_error', 'invalid x-api-key');
          case '403':
            return fail(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
          case '404':
            return fail(404, 'not_found_error', `model: ${String(body['model'])}`);
          default:
            break;
        }
      }
      if (!q) return fail(400, 'invalid_request_error', 'unknown question');
      const message = messageReply(body, q, opt, ctx.index, fault?.kind === 'max-tokens');
      if (fault && transportFault(fault, fake, req, res, entry, JSON.stringify(message))) return;
      return reply(200, message);
    }

    if (req.method === 'POST' && path === '/v1/messages/batches') {
      const list = body['requests'];
      if (!Array.isArray(list) || list.length === 0) return fail(400, 'invalid_request_error', 'requests: Field required');
      const seen = new Set<string>();
      for (const r of list as { custom_id?: unknown; params?: Record<string, unknown> }[]) {
        const id = r.custom_id;
        if (typeof id !== 'string' || !CUSTOM_ID.test(id))
          return fail(400, 'invalid_request_error', `requests.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
        if (seen.has(id)) return fail(400, 'invalid_request_error', `requests: custom_id "${id}" is not unique`);
        seen.add(id);
        const problem = invalid(r.params ?? {}, r.params?.['model'], version);
        if (problem) return fail(400, 'invalid_request_error', `requests.${id}.params.${problem}`);
      }
      creations++;
      const b: FakeBatch = {
        id: `msgbatch_${String(++serial).padStart(4, '0')}`,
        requests: list as FakeBatch['requests'],
        polls: 0,
        createdAt: new Date().toISOString(),
      };
      batches.set(b.id, b);
      return reply(200, batchObject(b, fake.origin));
    }

    const m = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
    if (req.method === 'GET' && m) {
      const b = batches.get(m[1] as string);
      if (!b) return fail(404, 'not_found_error', `message_batch: ${m[1]}`);
      if (!m[2]) {
        b.polls++;
        return reply(200, batchObject(b, fake.origin));
      }
      if (batchObject(b, fake.origin)['processing_status'] !== 'ended') return fail(400, 'invalid_request_error', 'batch has not ended');
      const lines = b.requests.map((r, i) => {
        const outcome = itemOutcome(b, r);
        const text = chatUserText(r.params);
        const q = text !== null ? (byText.get(text) ?? null) : null;
        if (outcome === 'succeeded' && q)
          return { custom_id: r.custom_id, result: { type: 'succeeded', message: messageReply(r.params, q, state.options, 10_000 + i, false) } };
        if (outcome === 'errored' || !q) {
          return {
            custom_id: r.custom_id,
            result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'fake batch item error' } } },
          };
        }
        return { custom_id: r.custom_id, result: { type: outcome } };
      });
      entry.outcome = 200;
      return sendText(res, 200, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'application/binary');
    }
    return fail(404, 'not_found_error', `no route ${req.method} ${path}`);
  }

  const fake = await startHttp(handle);
  return Object.assign(state, {
    url: fake.origin,
    exam,
    requests,
    batches,
    reset() {
      generation++;
      requests.length = 0;
      attempts.clear();
      batches.clear();
      creations = 0;
    },
    close: () => fake.close(),
  });
}
