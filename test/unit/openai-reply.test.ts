import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { endpoint, openAICompatible, readChatReply } from '../../src/providers/openai.js';
import { ProviderError } from '../../src/providers/types.js';
import type { HttpReply } from '../../src/providers/transport.js';
import { registerSecret } from '../../src/util/redact.js';

/** The OpenAI-compatible provider reads replies itself (no SDK): every shape a server sends. */
function reply(status: number, text: string, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpReply {
  return { status, headers, text };
}

function errorOf(r: HttpReply): ProviderError {
  try {
    readChatReply(r);
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('readChatReply', () => {
  it('reads content, reasoning, usage and finish reason', () => {
    const c = readChatReply(
      reply(
        200,
        JSON.stringify({
          choices: [{ message: { content: '【回答】c', reasoning_content: '考える' }, finish_reason: 'length' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 } },
        }),
      ),
    );
    expect(c).toEqual({
      content: '【回答】c',
      reasoning: '考える',
      usage: { prompt_tokens: 10, completion_tokens: 5, reasoning_tokens: null, cached_tokens: 4, total_tokens: 15 },
      finishReason: 'length',
      truncated: true,
      attempts: 1,
    });
  });

  it('an error reply keeps the status and the API message, prefixed by the status', () => {
    const e = errorOf(reply(400, JSON.stringify({ error: { message: 'max_tokens is too large' } })));
    expect([e.kind, e.status, e.message]).toEqual(['bad-request', 400, '400 max_tokens is too large']);
  });

  it('maps statuses to what scheduling needs', () => {
    const kinds = [401, 403, 404, 408, 409, 429, 500, 502, 422].map((s) => errorOf(reply(s, '{"error":{"message":"x"}}')).kind);
    expect(kinds).toEqual(['auth', 'auth', 'not-found', 'server', 'server', 'rate-limit', 'server', 'server', 'bad-request']);
  });

  it('reads Retry-After (seconds) and retry-after-ms', () => {
    expect(errorOf(reply(429, '{}', { 'retry-after': '3' })).retryAfterMs).toBe(3000);
    expect(errorOf(reply(503, '{}', { 'retry-after-ms': '250' })).retryAfterMs).toBe(250);
  });

  it('an error page that is no JSON is not an API reply, naming --base-url', () => {
    const e = errorOf(reply(404, '<html><body>Not Found</body></html>', { 'content-type': 'text/html' }));
    expect(e.notApi).toBe(true);
    expect(e.kind).toBe('bad-response');
    expect(e.message).toMatch(/^not an API reply \(404 <html>.*\); is --base-url the API \(it usually ends in \/v1\)\?$/);
    expect(errorOf(reply(502, 'Bad Gateway', { 'content-type': 'text/plain' })).kind).toBe('server');
  });

  it('a 200 that is not JSON: an HTML page names --base-url; broken JSON says so', () => {
    expect(errorOf(reply(200, 'Ollama is running', { 'content-type': 'text/plain' })).message).toBe(
      'bad response: not JSON but "Ollama is running"; is --base-url the API (it usually ends in /v1)?',
    );
    expect(errorOf(reply(200, '{"choices":[')).message).toBe('bad response: the reply is not valid JSON ("{"choices":[")');
  });

  it('no choices is a bad response', () => {
    expect(errorOf(reply(200, '{"choices":[]}')).message).toBe('bad response: no choices in the reply');
  });

  it('redacts keys an error message echoes', () => {
    registerSecret('sk-abcdefghijklmnopqrstuvwxyz123456');
    const e = errorOf(reply(401, JSON.stringify({ error: { message: 'Incorrect API key provided: sk-abcdefghijklmnopqrstuvwxyz123456' } })));
    expect(e.message).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
  });
});

describe('openAICompatible', () => {
  it('a base URL of another protocol fails as a connection error naming http and https (nothing is sent)', async () => {
    const none = { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null };
    const provider = openAICompatible({ model: 'm', baseUrl: 'ftp://h/v1', apiKey: null, timeoutS: 1, settings: none });
    const err = await provider
      .complete({ messages: [{ role: 'user', content: 'q' }], answerFormat: { kind: 'choices', letters: ['a'], select: 1 }, epoch: 1, label: 'q' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'connection', message: 'connection error: unsupported protocol ftp: (use http or https)' });
  });

  it('an https base URL goes through the https client, loaded on first use (a closed local port: a connection error)', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    await new Promise((resolve) => server.close(resolve));
    const none = { seed: null, maxTokens: null, reasoningEffort: null, thinkingBudget: null, extraBody: null };
    const provider = openAICompatible({ model: 'm', baseUrl: `https://127.0.0.1:${port}/v1`, apiKey: null, timeoutS: 5, settings: none });
    const err = await provider
      .complete({ messages: [{ role: 'user', content: 'q' }], answerFormat: { kind: 'choices', letters: ['a'], select: 1 }, epoch: 1, label: 'q' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'connection' });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });
});

describe('endpoint', () => {
  it('joins the path whatever slashes the base URL ends with, keeping its query', () => {
    expect(endpoint('http://h:1/v1', 'chat/completions').href).toBe('http://h:1/v1/chat/completions');
    expect(endpoint('http://h:1/v1//', 'chat/completions').href).toBe('http://h:1/v1/chat/completions');
    expect(endpoint('https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21', 'chat/completions').href).toBe(
      'https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21',
    );
  });
});
