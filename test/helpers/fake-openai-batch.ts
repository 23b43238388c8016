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
 * A fake OpenAI API with the Batch API for tests: Files (multipart upload with
 * purpose `batch`, content, delete), Batches (create over an uploaded JSONL
 * file, retrieve: validating → in_progress → finalizing → completed, or
 * failed when the input is invalid, or expired), output and error files in
 * the documented line formats (`{id, custom_id, response: {status_code,
 * request_id, body}, error}`; unfinished requests of an expired batch as
 * `batch_expired`), and chat completions for what is asked one by one.
 */

export type OpenAIBatchOutcome = 'succeeded' | 'errored' | 'expired';

export interface FakeOpenAIBatchOptions {
  /** Requests without `Authorization: Bearer <key>` get 401. */
  apiKey?: string;
  answer?: (q: Question) => string;
  /** Faults of the chat completions endpoint. */
  fault?: (ctx: FaultContext) => NativeFault | undefined;
  holdBatches?: boolean;
  /** Retrieves of a batch before it completes (default 1). */
  batchPollsToEnd?: number;
  /** What becomes of each item; an expired item makes the batch `expired`. */
  batchItem?: (item: { customId: string; questionId: string | null }) => OpenAIBatchOutcome;
}

interface Line {
  custom_id: string;
  method: string;
  url: string;
  body: Record<string, unknown>;
}

export interface FakeOpenAIBatchJob {
  readonly id: string;
  readonly inputFileId: string;
  readonly lines: Line[];
  /** Why the input is refused (then the batch fails validation). */
  readonly invalid: string | null;
  polls: number;
  readonly createdAt: number;
  outputFileId: string | null;
  errorFileId: string | null;
}

export interface FakeOpenAIBatch {
  /** Base URL as the OpenAI SDK takes it (ends in /v1). */
  readonly url: string;
  readonly exam: Exam;
  readonly requests: LoggedRequest[];
  readonly files: Map<string, { purpose: string; text: string; filename: string }>;
  readonly batches: Map<string, FakeOpenAIBatchJob>;
  readonly batchCreations: number;
  options: FakeOpenAIBatchOptions;
  /** Forget the log, the batches and their count (not the options). */
  reset(): void;
  close(): Promise<void>;
}

function chatCompletion(body: Record<string, unknown>, q: Question, opts: FakeOpenAIBatchOptions, id: string): Record<string, unknown> {
  const prompt = (chatUserText(body) ?? '').length;
  return {
    id,
    object: 'chat.completion',
    created: 0,
    model: body['model'],
    choices: [{ index: 0, message: { role: 'assistant', content: answerText(q, opts.answer) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: prompt, completion_tokens: 12, total_tokens: prompt + 12, completion_tokens_details: { reasoning_tokens: 5 } },
  };
}

/** What the Batch API's validation refuses, in its words (roughly). */
function invalidInput(lines: Line[], endpoint: string): string | null {
  const ids = new Set<string>();
  const models = new Set<unknown>();
  for (const l of lines) {
    if (typeof l.custom_id !== 'string' || ids.has(l.custom_id)) return `The custom_id for this request is a duplicate of another request: ${l.custom_id}`;
    ids.add(l.custom_id);
    if (l.method !== 'POST') return 'The method for this request must be POST';
    if (l.url !== endpoint) return `The URL provided for this request does not match the batch endpoint ${endpoint}`;
    models.add(l.body?.['model']);
  }
  return models.size > 1 ? 'The model used in each request must be the same' : null;
}

export async function startFakeOpenAIBatch(options: FakeOpenAIBatchOptions = {}): Promise<FakeOpenAIBatch> {
  const { exam, byText } = examIndex();
  const requests: LoggedRequest[] = [];
  const files = new Map<string, { purpose: string; text: string; filename: string }>();
  const batches = new Map<string, FakeOpenAIBatchJob>();
  const attempts = new Attempts();
  let index = 0;
  let creations = 0;
  // Ids stay unique across reset(), which forgets the count and the batches.
  let serial = 0;
  let fileCount = 0;
  let generation = 0;
  // Getters live on this object: Object.assign below would copy their values, not them.
  const state = {
    options,
    get batchCreations() {
      return creations;
    },
  };

  const questionOf = (body: Record<string, unknown>): Question | null => {
    const text = chatUserText(body);
    return text !== null ? (byText.get(text) ?? null) : null;
  };
  const outcomeOf = (l: Line): OpenAIBatchOutcome =>
    state.options.batchItem?.({ customId: l.custom_id, questionId: questionOf(l.body)?.id ?? null }) ?? 'succeeded';

  function addFile(purpose: string, text: string, filename: string): string {
    const id = `file-${String(++fileCount).padStart(6, '0')}`;
    files.set(id, { purpose, text, filename });
    return id;
  }

  /** The batch object; its output and error files are written when it ends. */
  function batchObject(b: FakeOpenAIBatchJob): Record<string, unknown> {
    const n = b.lines.length;
    const toEnd = state.options.batchPollsToEnd ?? 1;
    const ended = b.invalid !== null ? b.polls > 0 : !state.options.holdBatches && b.polls > toEnd;
    const outcomes = b.lines.map(outcomeOf);
    let status: string;
    if (b.invalid !== null) status = b.polls > 0 ? 'failed' : 'validating';
    else if (!ended) status = b.polls === 0 ? 'validating' : b.polls >= toEnd ? 'finalizing' : 'in_progress';
    else status = outcomes.includes('expired') ? 'expired' : 'completed';
    if (ended && b.invalid === null && b.outputFileId === null) {
      const out: string[] = [];
      const err: string[] = [];
      b.lines.forEach((l, i) => {
        const q = questionOf(l.body);
        const o = outcomes[i];
        const id = `batch_req_${i}`;
        if (o === 'succeeded' && q) {
          out.push(
            JSON.stringify({
              id,
              custom_id: l.custom_id,
              response: { status_code: 200, request_id: `r${i}`, body: chatCompletion(l.body, q, state.options, `chatcmpl-b${i}`) },
              error: null,
            }),
          );
        } else if (o === 'expired') {
          err.push(
            JSON.stringify({
              id,
              custom_id: l.custom_id,
              response: null,
              error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
            }),
          );
        } else {
          const body = { error: { message: 'fake batch item error', type: 'invalid_request_error', param: null, code: null } };
          err.push(JSON.stringify({ id, custom_id: l.custom_id, response: { status_code: 400, request_id: `r${i}`, body }, error: null }));
        }
      });
      b.outputFileId = out.length ? addFile('batch_output', out.join('\n') + '\n', `${b.id}_output.jsonl`) : null;
      b.errorFileId = err.length ? addFile('batch_output', err.join('\n') + '\n', `${b.id}_error.jsonl`) : null;
    }
    const done = ended ? outcomes.filter((o) => o === 'succeeded').length : Math.min(n - 1, Math.floor((n * b.polls) / (toEnd + 2)));
    const failed = ended ? n - done : 0;
    return {
      id: b.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: b.invalid !== null && b.polls > 0 ? { object: 'list', data: [{ code: 'invalid_request', message: b.invalid, param: null, line: 1 }] } : null,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status,
      output_file_id: b.outputFileId,
      error_file_id: b.errorFileId,
      created_at: b.createdAt,
      in_progress_at: b.polls > 0 ? b.createdAt + 1 : null,
      expires_at: b.createdAt + 86_400,
      completed_at: status === 'completed' ? b.createdAt + 2 : null,
      failed_at: status === 'failed' ? b.createdAt + 1 : null,
      expired_at: status === 'expired' ? b.createdAt + 86_400 : null,
      request_counts: { total: b.invalid !== null ? 0 : n, completed: Math.max(0, done), failed },
      metadata: null,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const gen = generation;
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const isJson = String(req.headers['content-type'] ?? '').includes('application/json');
    let body: Record<string, unknown> = {};
    if (isJson && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
      }
    }
    const isChat = req.method === 'POST' && path === '/v1/chat/completions';
    const q = isChat ? questionOf(body) : null;
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path,
      questionId: q?.id ?? null,
      attempt: isChat ? attempts.next(`${q?.id ?? ''}#${JSON.stringify(body['seed'] ?? null)}`) : 0,
      headers: req.headers,
      body: isJson ? body : { bytes: raw.length },
      outcome: 'pending',
    };
    if (gen === generation) requests.push(entry);
    const reply = (status: number, data: unknown) => {
      entry.outcome = status;
      sendJson(res, status, data);
    };
    const fail = (status: number, message: string, type = 'invalid_request_error') => {
      entry.outcome = status;
      sendJson(res, status, { error: { message, type, param: null, code: null } });
    };

    const opt = state.options;
    if (opt.apiKey !== undefined && req.headers['authorization'] !== `Bearer ${opt.apiKey}`) {
      return fail(401, 'Incorrect API key provided.', 'invalid_request_error');
    }

    if (isChat) {
      const ctx: FaultContext = { questionId: q?.id ?? null, attempt: entry.attempt, index: index++ };
      const fault = opt.fault?.(ctx);
      if (fault) {
        switch (fault.kind) {
          case '429':
            return fail(429, 'Rate limit reached', 'requests');
          case '500':
          case '503':
          case '529':
            return fail(Number(fault.kind === '529' ? 503 : fault.kind), 'fake server error', 'server_error');
          case '400':
          case '401':
          case '403':
          case '404':
            return fail(Number(fault.kind), `fake error ${fault.kind}`);
          default:
            break;
        }
      }
      if (!q) return fail(400, 'unknown question');
      const data = chatCompletion(body, q, opt, `chatcmpl-${ctx.index}`);
      if (fault && transportFault(fault, fake, req, res, entry, JSON.stringify(data))) return;
      return reply(200, data);
    }

    if (req.method === 'POST' && path === '/v1/files') {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
      const file = form.get('file');
      const purpose = form.get('purpose');
      if (purpose !== 'batch') return fail(400, "purpose must be 'batch' for a batch input file");
      if (!(file instanceof Blob)) return fail(400, "'file' is a required property");
      const text = await file.text();
      const name = file instanceof File ? file.name : 'upload.jsonl';
      const id = addFile('batch', text, name);
      return reply(200, { id, object: 'file', bytes: Buffer.byteLength(text), created_at: 0, filename: name, purpose: 'batch', status: 'processed' });
    }
    const fileRoute = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (fileRoute) {
      const f = files.get(fileRoute[1] as string);
      if (!f) return fail(404, `No such File object: ${fileRoute[1]}`);
      if (req.method === 'DELETE') {
        files.delete(fileRoute[1] as string);
        return reply(200, { id: fileRoute[1], object: 'file', deleted: true });
      }
      if (req.method === 'GET' && fileRoute[2]) {
        entry.outcome = 200;
        return sendText(res, 200, f.text, 'application/octet-stream');
      }
    }
    if (req.method === 'POST' && path === '/v1/batches') {
      const inputId = body['input_file_id'];
      const f = typeof inputId === 'string' ? files.get(inputId) : undefined;
      if (!f) return fail(400, `No such File object: ${String(inputId)}`);
      if (body['endpoint'] !== '/v1/chat/completions') return fail(400, `unsupported endpoint ${String(body['endpoint'])}`);
      if (body['completion_window'] !== '24h') return fail(400, "completion_window must be '24h'");
      const lines = f.text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line);
      creations++;
      const b: FakeOpenAIBatchJob = {
        id: `batch_${String(++serial).padStart(6, '0')}`,
        inputFileId: inputId as string,
        lines,
        invalid: invalidInput(lines, '/v1/chat/completions'),
        polls: 0,
        createdAt: Math.floor(Date.now() / 1000),
        outputFileId: null,
        errorFileId: null,
      };
      batches.set(b.id, b);
      return reply(200, batchObject(b));
    }
    const batchRoute = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && batchRoute) {
      const b = batches.get(batchRoute[1] as string);
      if (!b) return fail(404, `No batch found with id '${batchRoute[1]}'`);
      b.polls++;
      return reply(200, batchObject(b));
    }
    return fail(404, `no route ${req.method} ${path}`);
  }

  const fake = await startHttp(handle);
  return Object.assign(state, {
    url: `${fake.origin}/v1`,
    exam,
    requests,
    files,
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
