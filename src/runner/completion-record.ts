import type { Question } from '../exam/types.js';
import type { ExtractionRule } from '../extract/extract.js';
import type { Completion, ProviderError } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { buildRecord } from '../scoring/record.js';

/**
 * A run's records: the one record builder, with the request's details
 * appended (epoch after the first, usage, latency, attempts, finish reason,
 * `truncated` when the token limit cut the answer, and `cached` when the
 * answer came from the response cache).
 */

export function answeredRecord(q: Question, c: Completion, latencyMs: number, epoch = 1, rule: ExtractionRule = 'jmle-bench'): ResultRecord {
  return buildRecord(
    q,
    { content: c.content, reasoning: c.reasoning ?? undefined, error: null },
    {
      details: {
        ...(epoch > 1 ? { epoch } : {}),
        usage: c.usage ? { ...c.usage } : null,
        latency_ms: Math.round(latencyMs),
        attempts: c.attempts ?? 1,
        finish_reason: c.finishReason,
        ...(c.truncated ? { truncated: true } : {}),
        ...(c.cached ? { cached: true } : {}),
      },
      rule,
    },
  );
}

/**
 * A run's record of a sample answered through a provider's batch API: no
 * latency of its own (the batch's turnaround is not the model's), one attempt,
 * and `batch: true`, which prices it at the batch rate.
 */
export function batchRecord(q: Question, c: Completion, epoch = 1, rule: ExtractionRule = 'jmle-bench'): ResultRecord {
  return buildRecord(
    q,
    { content: c.content, reasoning: c.reasoning ?? undefined, error: null },
    {
      details: {
        ...(epoch > 1 ? { epoch } : {}),
        usage: c.usage ? { ...c.usage } : null,
        latency_ms: null,
        attempts: 1,
        finish_reason: c.finishReason,
        ...(c.truncated ? { truncated: true } : {}),
        batch: true,
      },
      rule,
    },
  );
}

/** A run's record of a sample whose request failed after its retries. */
export function erroredRecord(q: Question, err: ProviderError, latencyMs: number, epoch = 1): ResultRecord {
  return buildRecord(
    q,
    { content: '', error: err.message },
    { details: { ...(epoch > 1 ? { epoch } : {}), usage: null, latency_ms: Math.round(latencyMs), attempts: err.attempts, finish_reason: null } },
  );
}
