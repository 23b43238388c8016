import { selectedKinki } from '../exam/kinki.js';
import type { Exam } from '../exam/types.js';
import type { ExamDesign } from './design.js';

/**
 * What one run did on a design's questions, over K epochs (independent
 * samples of the same question): the only input the statistics need about a
 * run. Arrays are epoch-major, `x[e * n + i]` for epoch e and question
 * position i of the design (n = design.ids.length).
 */
export interface RunOutcomes {
  /** K ≥ 1. */
  readonly epochs: number;
  /** 1 = right under the official key, per (epoch, question). */
  readonly correct: Uint8Array;
  /** 1 = a prohibited choice (禁忌肢) was selected, per (epoch, question); null when 禁忌肢 is not disclosed. */
  readonly kinki: Uint8Array | null;
  /**
   * The answer given, as a canonical key (equal answers, equal keys), per
   * (epoch, question); null = no parsed answer. Only the majority vote reads it.
   */
  readonly answers?: readonly (string | null)[] | null;
}

/** The fields of a result record the outcomes are built from (a `ResultRecord` has them). */
export interface OutcomeRecord {
  readonly question_id: string;
  readonly correct: boolean;
  readonly predicted: readonly string[];
  readonly parse_success: boolean;
}

/** Throws a RangeError unless `o` fits `design` (sizes, 0/1 values, 禁忌肢 present exactly when known). */
export function checkOutcomes(design: ExamDesign, o: RunOutcomes): void {
  const n = design.ids.length;
  const K = o.epochs;
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`outcomes: epochs must be a positive integer, got ${K}`);
  if (o.correct.length !== K * n) throw new RangeError(`outcomes: correct has ${o.correct.length} entries, expected ${K} × ${n}`);
  if (design.kinkiKnown && o.kinki === null) throw new RangeError('outcomes: 禁忌肢 is disclosed for this design but the outcomes carry none');
  if (o.kinki && o.kinki.length !== K * n) throw new RangeError(`outcomes: kinki has ${o.kinki.length} entries, expected ${K} × ${n}`);
  if (o.answers && o.answers.length !== K * n) throw new RangeError(`outcomes: answers has ${o.answers.length} entries, expected ${K} × ${n}`);
}

/**
 * The canonical key of an answer: sorted letters joined by commas, or the
 * number for a calculation question (0.40 and 0.4 are one answer); null when
 * the answer could not be parsed (or the request failed).
 */
export function answerKey(predicted: readonly string[], parsed: boolean, calculation: boolean): string | null {
  if (!parsed || predicted.length === 0) return null;
  if (calculation && predicted.length === 1) {
    const x = Number(predicted[0]);
    if (Number.isFinite(x)) return String(x);
  }
  return [...predicted].sort().join(',');
}

/**
 * Build the outcomes of a run from its records, one array of records per
 * epoch (any order inside an epoch). Every question of the design must have
 * exactly one record in every epoch: a run that did not answer them all is
 * not comparable on this design (build the design from the questions it has).
 * Records of questions outside the design (e.g. 0-point ones) are ignored.
 */
export function outcomesFromRecords(design: ExamDesign, exam: Pick<Exam, 'byId'>, epochs: readonly (readonly OutcomeRecord[])[]): RunOutcomes {
  const n = design.ids.length;
  const K = epochs.length;
  if (K < 1) throw new RangeError('outcomes: at least one epoch of records is needed');
  const position = new Map(design.ids.map((id, i) => [id, i]));
  const correct = new Uint8Array(K * n);
  const kinki = design.kinkiKnown ? new Uint8Array(K * n) : null;
  const answers: (string | null)[] = new Array<string | null>(K * n).fill(null);
  const seen = new Uint8Array(K * n);
  epochs.forEach((records, e) => {
    for (const r of records) {
      const i = position.get(r.question_id);
      if (i === undefined) continue;
      const k = e * n + i;
      if (seen[k]) throw new RangeError(`outcomes: epoch ${e + 1} has two records of ${r.question_id}`);
      seen[k] = 1;
      const q = exam.byId.get(r.question_id);
      if (!q) throw new RangeError(`outcomes: ${r.question_id} is not a question of this exam`);
      correct[k] = r.correct ? 1 : 0;
      if (kinki) kinki[k] = selectedKinki(r.predicted, q.kinki).length > 0 ? 1 : 0;
      answers[k] = answerKey(r.predicted, r.parse_success, q.type === 'calculation');
    }
  });
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    const count = seen.reduce((s, x) => s + (x ? 0 : 1), 0);
    throw new RangeError(
      `outcomes: epoch ${Math.floor(missing / n) + 1} has no record of ${design.ids[missing % n]} (${count} (epoch, question) pairs missing)`,
    );
  }
  return { epochs: K, correct, kinki, answers };
}

/** Per question, how many epochs were right (k of K). */
export function correctCounts(design: ExamDesign, o: RunOutcomes): Uint16Array {
  const n = design.ids.length;
  const k = new Uint16Array(n);
  for (let e = 0; e < o.epochs; e++) {
    const base = e * n;
    for (let i = 0; i < n; i++) k[i] = (k[i] as number) + (o.correct[base + i] as number);
  }
  return k;
}

/** Per question, how many epochs selected a prohibited choice; null when unknown. */
export function kinkiCounts(design: ExamDesign, o: RunOutcomes): Uint16Array | null {
  if (!design.kinkiKnown || !o.kinki) return null;
  const n = design.ids.length;
  const k = new Uint16Array(n);
  for (let e = 0; e < o.epochs; e++) {
    const base = e * n;
    for (let i = 0; i < n; i++) k[i] = (k[i] as number) + (o.kinki[base + i] as number);
  }
  return k;
}

/** Per question, the mean correctness over epochs (k/K): the per-question outcome every interval is built on. */
export function questionMeans(design: ExamDesign, o: RunOutcomes): Float64Array {
  const k = correctCounts(design, o);
  const m = new Float64Array(k.length);
  for (let i = 0; i < k.length; i++) m[i] = (k[i] as number) / o.epochs;
  return m;
}
