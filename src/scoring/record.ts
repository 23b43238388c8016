import type { Question } from '../exam/types.js';
import { extractAnswer } from '../extract/extract.js';
import type { ResultRecord } from '../results/schema.js';
import { isCorrect } from './correct.js';

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

/** Extract and score one response. An errored request scores nothing (unless the question counts for everyone). */
export function scoreResponse(q: Question, content: string | null | undefined, reasoning: string | null | undefined, errored = false): Scored {
  const x = errored ? { predicted: [], ok: false, source: null, notes: [] } : extractAnswer(content, reasoning, q);
  const correct = q.allCorrect || (x.ok && isCorrect(x.predicted, q));
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

/** Re-extract and re-score a stored record against the current key, keeping everything else. */
export function rescoreRecord(r: ResultRecord, q: Question): ResultRecord {
  const s = scoreResponse(q, r.raw_response, r.reasoning, Boolean(r.error));
  // Rebuild in the reference's key order, then our additions, then anything else the file carried.
  const { question_id, raw_response, error, reasoning, predicted: _p, gold: _g, correct: _c, parse_success: _s, ...rest } = r;
  return {
    question_id,
    predicted: s.predicted,
    gold: s.gold,
    correct: s.correct,
    raw_response,
    parse_success: s.parse_success,
    error,
    ...(reasoning !== undefined ? { reasoning } : {}),
    ...rest,
    points: s.points,
    earned: s.earned,
    parse_source: s.parse_source,
    parse_notes: s.parse_notes,
  };
}
