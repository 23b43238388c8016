import type { Question } from '../exam/types.js';
import { extractAnswer, type ExtractionRule } from '../extract/extract.js';
import type { ResultRecord } from '../results/schema.js';
import { isCorrect } from './correct.js';

/**
 * The one record builder: question + response (+ extraction) → result record.
 * A run, `rescore` and the IgakuQA importer all build their records here, so
 * a record means the same wherever it comes from.
 *
 * Key order is the reference's (`question_id`, `predicted`, `gold`, `correct`,
 * `raw_response`, `parse_success`, `error`, `reasoning`), then fields carried
 * over from a stored record, then the scoring additions (`points`, `earned`,
 * `parse_source`, `parse_notes`), then the request's details (usage, latency,
 * attempts, finish reason). A carried field keeps its place when rescoring
 * replaces its value, so rescoring a file changes only what changed.
 */

/** The parts of a record that extraction and scoring decide. */
export interface Scored {
  predicted: string[];
  gold: string[];
  correct: boolean;
  parse_success: boolean;
  points: number;
  earned: number;
  parse_source: 'content' | 'reasoning' | null;
  parse_notes: string[];
}

/** What came back for one question, or why nothing did. */
export interface ResponseInput {
  /** The message content (the reference's `raw_response`); "" when there is none. */
  readonly content: string;
  /** The reasoning text; `undefined` leaves the key out of the record, `null` keeps it as null. */
  readonly reasoning?: string | null;
  /** Why the request failed; an errored response is never extracted (it scores only where the question counts for everyone). */
  readonly error: string | null;
}

export interface BuildOptions {
  /** Fields of a stored record to keep, in their order (rescoring). */
  readonly carried?: Readonly<Record<string, unknown>>;
  /** Fields about the request, appended last (usage, latency_ms, attempts, finish_reason, …). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The extraction rule (default jmle-bench's; 'reference' reproduces the reference harness exactly). */
  readonly rule?: ExtractionRule;
}

/** Extract and score one response. An errored request scores nothing (unless the question counts for everyone). */
export function scoreResponse(
  q: Question,
  content: string | null | undefined,
  reasoning: string | null | undefined,
  errored = false,
  rule: ExtractionRule = 'jmle-bench',
): Scored {
  const x = errored ? { predicted: [], ok: false, source: null, notes: [] } : extractAnswer(content, reasoning, q, rule);
  const correct = q.allCorrect || (x.ok && isCorrect(x.predicted, q, rule));
  return {
    predicted: x.predicted,
    gold: [...q.answer],
    correct,
    parse_success: x.ok,
    points: q.points,
    earned: correct ? q.points : 0,
    parse_source: x.source,
    parse_notes: x.notes,
  };
}

export function buildRecord(q: Question, response: ResponseInput, opts: BuildOptions = {}): ResultRecord {
  const s = scoreResponse(q, response.content, response.reasoning, Boolean(response.error), opts.rule);
  return {
    question_id: q.id,
    predicted: s.predicted,
    gold: s.gold,
    correct: s.correct,
    raw_response: response.content,
    parse_success: s.parse_success,
    error: response.error,
    ...(response.reasoning !== undefined ? { reasoning: response.reasoning } : {}),
    ...opts.carried,
    points: s.points,
    earned: s.earned,
    parse_source: s.parse_source,
    parse_notes: s.parse_notes,
    ...opts.details,
  };
}

/** Re-extract and re-score a stored record against the current key, keeping everything else. */
export function rescoreRecord(r: ResultRecord, q: Question, rule: ExtractionRule = 'jmle-bench'): ResultRecord {
  const { question_id: _id, predicted: _p, gold: _g, correct: _c, raw_response, parse_success: _s, error, reasoning, ...carried } = r;
  return buildRecord(q, { content: raw_response, reasoning, error }, { carried, rule });
}

/** A record that needs no new request on resume (the reference's rule): answered, and an answer was found. */
export function isSuccessful(r: Pick<ResultRecord, 'error' | 'parse_success'>): boolean {
  return r.error === null && r.parse_success;
}
