import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { anthropicBatchResult } from '../../src/providers/anthropic-batch.js';
import { anthropicBody, anthropicCompletion, anthropicSettings } from '../../src/providers/anthropic-map.js';
import { anthropicRetryAfterMs, classifyAnthropicError } from '../../src/providers/anthropic.js';
import { geminiBatchResults } from '../../src/providers/gemini-batch.js';
import { geminiCompletion, geminiRequest, geminiSettings } from '../../src/providers/gemini-map.js';
import { classifyGeminiError } from '../../src/providers/gemini.js';
import { openAIBatchResult } from '../../src/providers/openai-batch.js';
import type { CompletionRequest, GenerationSettings } from '../../src/providers/types.js';

/**
 * The native providers' pure mapping: the reference prompt and the settings
 * into each API's request, each API's reply and errors into the harness's
 * completion and failure kinds. (The HTTP round trips are the integration
 * tier's, against fake servers.)
 */

const SYSTEM = 'あなたは医師国家試験を解く医学の専門家です。\n問題を読み、正解を1つ選んでください。';
const USER = '45歳の男性。次のうち正しいのはどれか。\na　選択肢A\nb　選択肢B';
const PNG = 'iVBORw0KGgo=';

/** A vision-mode prompt as buildPrompt makes it: system text, then the user text and one image. */
const visionRequest = (epoch = 1): CompletionRequest => ({
  messages: [
    { role: 'system', content: SYSTEM },
    {
      role: 'user',
      content: [
        { type: 'text', text: USER },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      ],
    },
  ],
  answerFormat: { kind: 'choices', letters: ['a', 'b'], select: 1 },
  epoch,
  label: 'X-1',
});

const none: GenerationSettings = { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null };
const headers = (h: Record<string, string>) => new Headers(h);

describe('Anthropic: settings and request', () => {
  it('maps the reference prompt: system apart, the user text then each image as a base64 block', () => {
    const body = anthropicBody('claude-x', visionRequest(), anthropicSettings(none));
    expect(body).toEqual({
      model: 'claude-x',
      max_tokens: 16_000,
      system: SYSTEM,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: USER },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
      ],
    });
  });

  it('extended thinking from the budget, max_tokens above it; effort as output_config; the extra body last', () => {
    const s = anthropicSettings({ ...none, thinkingBudget: 4096, reasoningEffort: 'high', extraBody: { metadata: { user_id: 'u' }, max_tokens: 30_000 } });
    expect(s.maxTokens).toBe(4096 + 8000);
    const body = anthropicBody('claude-x', visionRequest(), s);
    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(body['output_config']).toEqual({ effort: 'high' });
    expect(body['metadata']).toEqual({ user_id: 'u' });
    expect(body['max_tokens']).toBe(30_000);
    expect(anthropicBody('c', visionRequest(), anthropicSettings({ ...none, thinkingBudget: 0 }))['thinking']).toEqual({ type: 'disabled' });
  });

  it('refuses what the API cannot take before anything is sent', () => {
    expect(() => anthropicSettings({ ...none, seed: 1 })).toThrow(/seed cannot be used with provider anthropic/);
    expect(() => anthropicSettings({ ...none, thinkingBudget: 1000 })).toThrow(/at least 1024/);
    expect(() => anthropicSettings({ ...none, thinkingBudget: 2000, maxTokens: 1500 })).toThrow(/greater than the thinking budget \(2000\)/);
  });
});

describe('Anthropic: replies', () => {
  const message = (over: Record<string, unknown> = {}) => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: '選択肢を比べる。', signature: 'sig' },
      { type: 'redacted_thinking', data: 'xxx' },
      { type: 'text', text: '【回答】a' },
    ],
    stop_reason: 'end_turn',
    usage: {
      input_tokens: 100,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 0,
      output_tokens: 300,
      output_tokens_details: { thinking_tokens: 250 },
    },
    ...over,
  });

  it('text blocks are the content, thinking blocks the reasoning; usage counts cached prompt tokens and thinking', () => {
    expect(anthropicCompletion(message())).toEqual({
      content: '【回答】a',
      reasoning: '選択肢を比べる。',
      usage: { prompt_tokens: 1000, completion_tokens: 300, reasoning_tokens: 250, cached_tokens: 900, total_tokens: 1300 },
      finishReason: 'end_turn',
      truncated: false,
      attempts: 1,
    });
  });

  it('a reply cut by max_tokens is truncated', () => {
    expect(anthropicCompletion(message({ stop_reason: 'max_tokens', content: [{ type: 'thinking', thinking: '長い', signature: 's' }] }))).toMatchObject({
      content: '',
      reasoning: '長い',
      finishReason: 'max_tokens',
      truncated: true,
    });
  });

  it('batch result lines: succeeded, errored, expired, canceled', () => {
    expect(anthropicBatchResult({ custom_id: 'A_e1', result: { type: 'succeeded', message: message() } })).toMatchObject({ ok: true, customId: 'A_e1' });
    expect(
      anthropicBatchResult({
        custom_id: 'B_e1',
        result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long' } } },
      }),
    ).toEqual({ customId: 'B_e1', ok: false, outcome: 'errored', message: 'invalid_request_error: prompt is too long' });
    expect(anthropicBatchResult({ custom_id: 'C_e1', result: { type: 'expired' } })).toMatchObject({ ok: false, outcome: 'expired' });
    expect(anthropicBatchResult({ custom_id: 'D_e1', result: { type: 'canceled' } })).toMatchObject({ ok: false, outcome: 'canceled' });
  });
});

describe('Anthropic: errors', () => {
  const apiError = (status: number, type: string, h: Record<string, string> = {}) =>
    Anthropic.APIError.generate(status, { type: 'error', error: { type, message: `fake ${type}` } }, undefined, headers(h));

  it.each([
    [401, 'authentication_error', 'auth'],
    [403, 'permission_error', 'auth'],
    [404, 'not_found_error', 'not-found'],
    [400, 'invalid_request_error', 'bad-request'],
    [413, 'request_too_large', 'bad-request'],
    [500, 'api_error', 'server'],
    [529, 'overloaded_error', 'server'],
    [429, 'rate_limit_error', 'rate-limit'],
  ])('%i %s → %s', (status, type, kind) => {
    const e = classifyAnthropicError(apiError(status, type));
    expect(e.kind).toBe(kind);
    expect(e.status).toBe(status);
    expect(e.message).toBe(`${status} ${type}: fake ${type}`);
  });

  it('a 429 waits as retry-after says, else until the exhausted limit resets', () => {
    expect(classifyAnthropicError(apiError(429, 'rate_limit_error', { 'retry-after': '7' })).retryAfterMs).toBe(7000);
    const now = Date.parse('2026-03-01T00:00:00Z');
    const h = headers({
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-requests-reset': '2026-03-01T00:00:30Z',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2026-03-01T00:00:12Z',
    });
    expect(anthropicRetryAfterMs(h, now)).toBe(12_000);
    expect(anthropicRetryAfterMs(headers({}), now)).toBeNull();
  });

  it('timeouts, dropped connections and aborts', () => {
    expect(classifyAnthropicError(new Anthropic.APIConnectionTimeoutError(), 30).message).toBe('request timed out after 30 s (--timeout)');
    expect(classifyAnthropicError(new Anthropic.APIConnectionError({ cause: new Error('ECONNRESET') })).kind).toBe('connection');
    expect(classifyAnthropicError(new Anthropic.APIUserAbortError()).kind).toBe('aborted');
  });
});

describe('Gemini: settings and request', () => {
  it('maps the reference prompt: systemInstruction, the user text then each image as inlineData; seed per epoch', () => {
    const r = geminiRequest('gemini-x', visionRequest(3), geminiSettings({ ...none, seed: 10, maxTokens: 2048 }));
    expect(r).toEqual({
      model: 'gemini-x',
      contents: [{ role: 'user', parts: [{ text: USER }, { inlineData: { mimeType: 'image/png', data: PNG } }] }],
      config: { systemInstruction: SYSTEM, maxOutputTokens: 2048, seed: 12 },
    });
  });

  it('thinking budget or level, with the thought summaries asked for; budget 0 turns thinking off; the extra body goes to the SDK to merge', () => {
    expect(geminiRequest('g', visionRequest(), { ...none, thinkingBudget: 8192 }).config['thinkingConfig']).toEqual({
      thinkingBudget: 8192,
      includeThoughts: true,
    });
    expect(geminiRequest('g', visionRequest(), { ...none, thinkingBudget: 0 }).config['thinkingConfig']).toEqual({ thinkingBudget: 0 });
    expect(geminiRequest('g', visionRequest(), { ...none, reasoningEffort: 'low' }).config['thinkingConfig']).toEqual({
      thinkingLevel: 'LOW',
      includeThoughts: true,
    });
    const extraBody = { generationConfig: { temperature: 0 } };
    expect(geminiRequest('g', visionRequest(), { ...none, extraBody }).config['httpOptions']).toEqual({ extraBody });
    expect(() => geminiSettings({ ...none, reasoningEffort: 'low', thinkingBudget: 10 })).toThrow(/not both/);
  });
});

describe('Gemini: replies and errors', () => {
  const reply = (over: Record<string, unknown> = {}) => ({
    candidates: [
      {
        content: { role: 'model', parts: [{ text: '要点を整理。', thought: true }, { text: '【回答】b' }] },
        finishReason: 'STOP',
      },
    ],
    usageMetadata: { promptTokenCount: 500, candidatesTokenCount: 20, thoughtsTokenCount: 480, cachedContentTokenCount: 100, totalTokenCount: 1000 },
    ...over,
  });

  it('thought parts are the reasoning; completion tokens include the thoughts; MAX_TOKENS is truncated', () => {
    expect(geminiCompletion(reply())).toEqual({
      content: '【回答】b',
      reasoning: '要点を整理。',
      usage: { prompt_tokens: 500, completion_tokens: 500, reasoning_tokens: 480, cached_tokens: 100, total_tokens: 1000 },
      finishReason: 'STOP',
      truncated: false,
      attempts: 1,
    });
    const cut = reply({ candidates: [{ content: { parts: [{ text: '…', thought: true }] }, finishReason: 'MAX_TOKENS' }] });
    expect(geminiCompletion(cut)).toMatchObject({ content: '', truncated: true, finishReason: 'MAX_TOKENS' });
  });

  it('a blocked prompt is an empty answer with the block reason; a reply of nothing is none', () => {
    expect(geminiCompletion({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } })).toMatchObject({ content: '', finishReason: 'PROHIBITED_CONTENT' });
    expect(geminiCompletion({})).toBeNull();
  });

  const googleError = (code: number, status: string, message: string, details: unknown[] = []) =>
    new ApiError({ status: code, message: JSON.stringify({ error: { code, message, status, details } }) });

  it('429 RESOURCE_EXHAUSTED waits as its RetryInfo says; an invalid key is auth; 5xx server; 404 not found', () => {
    const limited = classifyGeminiError(
      googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted', [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17.5s' },
      ]),
      false,
    );
    expect(limited).toMatchObject({ kind: 'rate-limit', status: 429, retryAfterMs: 17_500, message: '429 RESOURCE_EXHAUSTED: Resource has been exhausted' });
    const badKey = googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
    ]);
    expect(classifyGeminiError(badKey, false).kind).toBe('auth');
    expect(classifyGeminiError(googleError(400, 'INVALID_ARGUMENT', 'bad thinking level'), false).kind).toBe('bad-request');
    expect(classifyGeminiError(googleError(503, 'UNAVAILABLE', 'The model is overloaded.'), false).kind).toBe('server');
    expect(classifyGeminiError(googleError(404, 'NOT_FOUND', 'models/nope is not found'), false).kind).toBe('not-found');
  });

  it('the SDK aborts on its timeout as on the caller: only the caller can tell them apart', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(classifyGeminiError(abort, false, 5).message).toBe('request timed out after 5 s (--timeout)');
    expect(classifyGeminiError(abort, true).kind).toBe('aborted');
    expect(classifyGeminiError(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }), false).kind).toBe('connection');
    expect(classifyGeminiError(new SyntaxError("Unexpected token '<'"), false).kind).toBe('bad-response');
  });

  it('batch responses are matched by metadata key, else by position; an expired batch marks what it never ran', () => {
    const job = {
      state: 'JOB_STATE_EXPIRED',
      dest: { inlinedResponses: [{ response: reply() }, { metadata: { key: 'C_e1' }, error: { code: 400, message: 'bad request' } }] },
    };
    expect(geminiBatchResults(job as never, ['A_e1', 'B_e1', 'C_e1'])).toEqual([
      expect.objectContaining({ customId: 'A_e1', ok: true }),
      { customId: 'C_e1', ok: false, outcome: 'errored', message: '400: bad request' },
      { customId: 'B_e1', ok: false, outcome: 'expired', message: 'the batch expired before this request ran' },
    ]);
  });
});

describe('OpenAI Batch API: output and error lines', () => {
  it('a 200 line is read as the single-request path reads a chat completion; others are errored, expired or cancelled', () => {
    const ok = {
      id: 'batch_req_1',
      custom_id: 'A_e1',
      response: {
        status_code: 200,
        request_id: 'r',
        body: {
          choices: [{ message: { role: 'assistant', content: '【回答】a' }, finish_reason: 'length' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, completion_tokens_details: { reasoning_tokens: 3 } },
        },
      },
      error: null,
    };
    expect(openAIBatchResult(ok)).toMatchObject({
      customId: 'A_e1',
      ok: true,
      completion: { content: '【回答】a', truncated: true, usage: { reasoning_tokens: 3 } },
    });
    const failed = { custom_id: 'B_e1', response: { status_code: 400, body: { error: { message: 'Invalid model' } } }, error: null };
    expect(openAIBatchResult(failed)).toEqual({ customId: 'B_e1', ok: false, outcome: 'errored', message: '400: Invalid model' });
    expect(openAIBatchResult({ custom_id: 'C_e1', response: null, error: { code: 'batch_expired', message: 'expired' } })).toMatchObject({
      outcome: 'expired',
    });
    expect(openAIBatchResult({ custom_id: 'D_e1', response: null, error: { code: 'batch_cancelled', message: 'cancelled' } })).toMatchObject({
      outcome: 'canceled',
    });
  });
});
