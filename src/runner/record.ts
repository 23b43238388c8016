import type { Question } from '../exam/types.js';
import type { Completion, ProviderError } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { buildRecord } from '../scoring/record.js';

/** A run's record of one finished question: the one record builder, with the request's details appended. */
export function answeredRecord(q: Question, c: Completion, latencyMs: number): ResultRecord {
  return buildRecord(
    q,
    { content: c.content, reasoning: c.reasoning ?? undefined, error: null },
    { details: { usage: c.usage ? { ...c.usage } : null, latency_ms: Math.round(latencyMs), attempts: c.attempts ?? 1, finish_reason: c.finishReason } },
  );
}

/** A run's record of a question whose request failed after its retries. */
export function erroredRecord(q: Question, err: ProviderError, latencyMs: number): ResultRecord {
  return buildRecord(
    q,
    { content: '', error: err.message },
    { details: { usage: null, latency_ms: Math.round(latencyMs), attempts: err.attempts, finish_reason: null } },
  );
}
