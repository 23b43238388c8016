import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exam, Question } from '../../src/exam/types.js';
import {
  answerText,
  Attempts,
  examIndex,
  readBody,
  sendJson,
  startHttp,
  transportFault,
  type FaultContext,
  type LoggedRequest,
  type NativeFault,
} from './fake-http.js';

/**
 * A fake Gemini API (the Developer API, v1beta) for tests: generateContent and
 * batch mode (models/{model}:batchGenerateContent with inlined requests, then
 * batches/{id} as a long-running operation whose metadata carries the state
 * and, once it has succeeded, the inlined responses), in the documented REST
 * formats: the `x-goog-api-key` header (a wrong key is 400 INVALID_ARGUMENT
 * with API_KEY_INVALID, as Google answers), `{"error":{code,message,status,
 * details}}` errors, 429 RESOURCE_EXHAUSTED with a google.rpc.RetryInfo,
 * thought parts when `includeThoughts`, `thoughtsTokenCount` in the usage.
 */

export type GeminiBatchOutcome = 'succeeded' | 'errored' | 'expired';

export interface FakeGeminiOptions {
  apiKey?: string;
  latencyMs?: number;
  answer?: (q: Question) => string;
  fault?: (ctx: FaultContext) => NativeFault | undefined;
  holdBatches?: boolean;
  /** Gets of a batch answering it is running before it ends (default 1). */
  batchPollsToEnd?: number;
  /** What becomes of each batch item; an expired item makes the whole batch BATCH_STATE_EXPIRED. */
  batchItem?: (item: { key: string | null; questionId: string | null }) => GeminiBatchOutcome;
}

export interface FakeGeminiBatch {
  readonly name: string;
  readonly model: string;
  readonly requests: { request: Record<string, unknown>; metadata?: { key?: string } }[];
  polls: number;
  readonly createTime: string;
}

export interface FakeGemini {
  /** The base URL as the SDK takes it (`httpOptions.baseUrl`: the host, no /v1beta). */
  readonly url: string;
  readonly exam: Exam;
  readonly requests: LoggedRequest[];
  readonly batches: Map<string, FakeGeminiBatch>;
  readonly batchCreations: number;
  options: FakeGeminiOptions;
  /** Forget the log, the batches and their count (not the options). */
  reset(): void;
  close(): Promise<void>;
}

const STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

function userText(body: Record<string, unknown>): string | null {
  const contents = body['contents'];
  if (!Array.isArray(contents)) return null;
  const parts = (contents[0] as { parts?: { text?: string }[] } | undefined)?.parts;
  return parts?.find((p) => typeof p.text === 'string')?.text ?? null;
}

function problemOf(body: Record<string, unknown>): string | null {
  if (!Array.isArray(body['contents']) || (body['contents'] as unknown[]).length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  const thinking = (body['generationConfig'] as { thinkingConfig?: Record<string, unknown> } | undefined)?.thinkingConfig;
  if (thinking && thinking['thinkingBudget'] !== undefined && thinking['thinkingLevel'] !== undefined) {
    return 'You can only set only one of thinking budget and thinking level.';
  }
  for (const c of body['contents'] as { parts?: { inlineData?: { mimeType?: string; data?: string } }[] }[]) {
    for (const p of c.parts ?? []) {
      if (p.inlineData && (!p.inlineData.mimeType || !p.inlineData.data)) return '* GenerateContentRequest.contents.parts.inline_data: data is required';
    }
  }
  return null;
}

function generateReply(body: Record<string, unknown>, q: Question, opts: FakeGeminiOptions, cut: boolean): Record<string, unknown> {
  const thinking = (body['generationConfig'] as { thinkingConfig?: { includeThoughts?: boolean; thinkingBudget?: number } } | undefined)?.thinkingConfig;
  const thinks = thinking?.thinkingBudget !== 0;
  const parts: Record<string, unknown>[] = [];
  if (thinks && thinking?.includeThoughts) parts.push({ text: `**考察** ${q.id} の所見を整理する。`, thought: true });
  if (!cut) parts.push({ text: answerText(q, opts.answer) });
  const prompt = (userText(body) ?? '').length;
  const thoughts = thinks ? 30 : 0;
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: cut ? 'MAX_TOKENS' : 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: cut ? 0 : 10,
      ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
      cachedContentTokenCount: 4,
      totalTokenCount: prompt + (cut ? 0 : 10) + thoughts,
    },
    modelVersion: 'fake-gemini',
    responseId: 'resp',
  };
}

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const { exam, byText } = examIndex();
  const requests: LoggedRequest[] = [];
  const batches = new Map<string, FakeGeminiBatch>();
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

  function outcomeOf(r: FakeGeminiBatch['requests'][number]): GeminiBatchOutcome {
    const text = userText(r.request);
    const q = text !== null ? (byText.get(text) ?? null) : null;
    return state.options.batchItem?.({ key: r.metadata?.key ?? null, questionId: q?.id ?? null }) ?? 'succeeded';
  }

  /** The batch as an Operation: metadata is the GenerateContentBatch. */
  function operation(b: FakeGeminiBatch): Record<string, unknown> {
    const ended = !state.options.holdBatches && b.polls > (state.options.batchPollsToEnd ?? 1);
    const outcomes = b.requests.map(outcomeOf);
    const expired = outcomes.includes('expired');
    const n = b.requests.length;
    const batchState = !ended ? (b.polls === 0 ? 'BATCH_STATE_PENDING' : 'BATCH_STATE_RUNNING') : expired ? 'BATCH_STATE_EXPIRED' : 'BATCH_STATE_SUCCEEDED';
    const responses = ended
      ? b.requests.flatMap((r, i): Record<string, unknown>[] => {
          const text = userText(r.request);
          const q = text !== null ? (byText.get(text) ?? null) : null;
          const o = outcomes[i];
          if (o === 'expired') return [];
          if (o === 'errored' || !q) return [{ error: { code: 400, message: 'fake batch item error' }, metadata: r.metadata }];
          return [{ response: generateReply(r.request, q, state.options, false), metadata: r.metadata }];
        })
      : [];
    const metadata = {
      '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
      model: b.model,
      displayName: 'jmle-bench',
      createTime: b.createTime,
      updateTime: new Date().toISOString(),
      batchStats: {
        requestCount: String(n),
        ...(ended ? { successfulRequestCount: String(responses.filter((r) => r['response'] !== undefined).length) } : { pendingRequestCount: String(n) }),
      },
      state: batchState,
      name: b.name,
      ...(ended ? { output: { inlinedResponses: { inlinedResponses: responses } } } : {}),
    };
    return { name: b.name, metadata, ...(ended ? { done: true } : {}) };
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
        return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
      }
    }
    const generate = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(path);
    const text = generate ? userText(body) : null;
    const q = text !== null ? (byText.get(text) ?? null) : null;
    const seed = (body['generationConfig'] as { seed?: number } | undefined)?.seed;
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path,
      questionId: q?.id ?? null,
      attempt: generate ? attempts.next(`${q?.id ?? ''}#${seed ?? ''}`) : 0,
      headers: req.headers,
      body,
      outcome: 'pending',
    };
    if (gen === generation) requests.push(entry);
    const reply = (status: number, data: unknown) => {
      entry.outcome = status;
      sendJson(res, status, data);
    };
    const fail = (code: number, message: string, details: unknown[] = []) => {
      entry.outcome = code;
      sendJson(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN', ...(details.length ? { details } : {}) } });
    };

    const opt = state.options;
    if (opt.apiKey !== undefined && req.headers['x-goog-api-key'] !== opt.apiKey) {
      return fail(400, 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]);
    }

    if (req.method === 'POST' && generate) {
      const ctx: FaultContext = { questionId: q?.id ?? null, attempt: entry.attempt, index: index++ };
      if (opt.latencyMs) await new Promise((r) => setTimeout(r, opt.latencyMs));
      if (res.destroyed) return;
      const problem = problemOf(body);
      if (problem) return fail(400, problem);
      const fault = opt.fault?.(ctx);
      if (fault) {
        switch (fault.kind) {
          case '429':
            return fail(429, 'You exceeded your current quota, please check your plan and billing details.', [
              { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generate_content_free_tier_requests' }] },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${fault.retryAfter ?? '1'}s` },
            ]);
          case '500':
            return fail(500, 'An internal error has occurred.');
          case '503':
          case '529':
            return fail(503, 'The model is overloaded. Please try again later.');
          case '400':
            return fail(400, `fake error 400 for key ${String(req.headers['x-goog-api-key'] ?? '')}`);
          case '401':
            return fail(400, 'API key not valid. Please pass a valid API key.', [
              { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
            ]);
          case '403':
            return fail(403, "Method doesn't allow unregistered callers.");
          case '404':
            return fail(404, `models/${generate[1]} is not found for API version v1beta, or is not supported for generateContent.`);
          default:
            break;
        }
      }
      if (!q) return fail(400, 'unknown question');
      const data = generateReply(body, q, opt, fault?.kind === 'max-tokens');
      if (fault && transportFault(fault, fake, req, res, entry, JSON.stringify(data))) return;
      return reply(200, data);
    }

    const create = /^\/v1beta\/models\/([^/:]+):batchGenerateContent$/.exec(path);
    if (req.method === 'POST' && create) {
      const list = (body['batch'] as { inputConfig?: { requests?: { requests?: unknown } } } | undefined)?.inputConfig?.requests?.requests;
      if (!Array.isArray(list) || list.length === 0) return fail(400, '* BatchGenerateContentRequest.batch.input_config: input_config is required');
      for (const r of list as FakeGeminiBatch['requests']) {
        const problem = problemOf(r.request ?? {});
        if (problem) return fail(400, problem);
      }
      creations++;
      const name = `batches/fake${String(++serial).padStart(4, '0')}`;
      const b: FakeGeminiBatch = {
        name,
        model: `models/${create[1]}`,
        requests: list as FakeGeminiBatch['requests'],
        polls: 0,
        createTime: new Date().toISOString(),
      };
      batches.set(name, b);
      return reply(200, operation(b));
    }

    const get = /^\/v1beta\/(batches\/[^/]+)$/.exec(path);
    if (req.method === 'GET' && get) {
      const b = batches.get(get[1] as string);
      if (!b) return fail(404, `Batch ${get[1]} not found.`);
      b.polls++;
      return reply(200, operation(b));
    }
    return fail(404, `no route ${req.method} ${path}`);
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
