import type { Question } from '../exam/types.js';
import type { Completion, ProviderError } from '../providers/types.js';
import type { ResultRecord } from '../results/schema.js';
import { scoreResponse } from '../scoring/record.js';

/**
 * One finished question as a result record: the reference's fields in its
 * order, then ours (points, extraction notes, usage, latency, attempts).
 */

export function answeredRecord(q: Question, c: Completion, latencyMs: number): ResultRecord {
  const s = scoreResponse(q, c.content, c.reasoning, false);
  return {
    question_id: q.id,
    predicted: s.predicted,
    gold: s.gold,
    correct: s.correct,
    raw_response: c.content,
    parse_success: s.parse_success,
    error: null,
    ...(c.reasoning !== null ? { reasoning: c.reasoning } : {}),
    points: s.points,
    earned: s.earned,
    parse_source: s.parse_source,
    parse_notes: s.parse_notes,
    usage: c.usage ? { ...c.usage } : null,
    latency_ms: Math.round(latencyMs),
    attempts: c.attempts ?? 1,
    finish_reason: c.finishReason,
  };
}

export function erroredRecord(q: Question, err: ProviderError, latencyMs: number): ResultRecord {
  const s = scoreResponse(q, null, null, true);
  return {
    question_id: q.id,
    predicted: s.predicted,
    gold: s.gold,
    correct: s.correct,
    raw_response: '',
    parse_success: false,
    error: err.message,
    points: s.points,
    earned: s.earned,
    parse_source: s.parse_source,
    parse_notes: s.parse_notes,
    usage: null,
    latency_ms: Math.round(latencyMs),
    attempts: err.attempts,
    finish_reason: null,
  };
}

/** A record that needs no new request on resume (the reference's rule). */
export function isSuccessful(r: Pick<ResultRecord, 'error' | 'parse_success'>): boolean {
  return r.error === null && r.parse_success;
}
