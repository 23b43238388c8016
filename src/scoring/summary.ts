import type { Exam, Question } from '../exam/types.js';
import type { ExtractionRule } from '../extract/extract.js';
import type { ResultRecord } from '../results/schema.js';
import type { Summary, Tally, UsageSummary } from '../results/summary.js';
import { selectedKinki } from '../exam/kinki.js';
import { roundedRatio } from '../util/round.js';
import { summariseEpochs } from './epochs.js';
import { passedOf, verdictOf } from './verdict.js';

export type { Summary, Tally, UsageSummary, KinkiSummary } from '../results/summary.js';

/**
 * The summary, always recomputed from per-question records and the answer key.
 * Field names and rounding (4 decimals, Python's) are the reference harness's;
 * fields after `by_image` are jmle-bench additions.
 */

function tally(): Tally {
  return { correct: 0, total: 0, accuracy: 0 };
}

/** One answer into a group's tally (a direct call per group: the summary runs cold after a run, where a loop over a literal array of pairs allocated and iterated per record). */
function count(group: Record<string, Tally>, key: string, ok: boolean): void {
  const t = (group[key] ??= tally());
  t.total++;
  if (ok) t.correct++;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

export function summariseUsage(records: readonly ResultRecord[]): UsageSummary {
  let prompt = 0;
  let completion = 0;
  let reasoning = 0;
  let withUsage = 0;
  let requests = 0;
  const latencies: number[] = [];
  for (const r of records) {
    if (r.usage) {
      withUsage++;
      prompt += r.usage.prompt_tokens ?? 0;
      completion += r.usage.completion_tokens ?? 0;
      reasoning += r.usage.reasoning_tokens ?? 0;
    }
    requests += r.attempts ?? 0;
    if (typeof r.latency_ms === 'number') latencies.push(r.latency_ms);
  }
  latencies.sort((a, b) => a - b);
  const total = latencies.reduce((s, x) => s + x, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    reasoning_tokens: reasoning,
    records_with_usage: withUsage,
    requests,
    latency_ms_total: Math.round(total),
    latency_ms_mean: latencies.length ? Math.round(total / latencies.length) : null,
    latency_ms_p50: percentile(latencies, 50),
    latency_ms_p95: percentile(latencies, 95),
  };
}

/** Prohibited choices selected in one record (empty when none or undisclosed). */
export function kinkiSelected(record: Pick<ResultRecord, 'predicted'>, q: Question): string[] {
  return selectedKinki(record.predicted, q.kinki);
}

/**
 * Compute the summary. `records` must already be scored (`correct` set against
 * the current key, see `scoreRecord`); every id must exist in `exam`.
 */
export function computeSummary(records: readonly ResultRecord[], exam: Exam, extraction: ExtractionRule = 'jmle-bench'): Summary {
  const rules = exam.rules;
  let correct = 0;
  let parseFailures = 0;
  let errors = 0;
  let score = 0;
  let scoreMax = 0;
  let textScore = 0;
  let textMax = 0;
  let reqScore = 0;
  let reqMax = 0;
  let genScore = 0;
  let genMax = 0;
  const byBlock: Record<string, Tally> = {};
  const byType: Record<string, Tally> = {};
  const byImage: Record<string, Tally> = {};
  let excluded = 0;
  let truncated = 0;
  const kinkiQuestions: string[] = [];
  const kinkiSelections: { question_id: string; choices: string[] }[] = [];
  let kinkiKnown = rules.kinkiDisclosed;

  for (const r of records) {
    const q = exam.byId.get(r.question_id);
    if (!q) throw new Error(`record ${r.question_id} is not a question of exam ${exam.id}`);
    const pts = q.points;
    const ok = r.correct;
    if (!r.parse_success) parseFailures++;
    if (r.error) errors++;
    if (r.truncated === true) truncated++;
    if (pts === 0) {
      // Excluded from scoring by the official key (e.g. IgakuQA points "0"): counts for nothing.
      excluded++;
      continue;
    }
    if (ok) correct++;
    scoreMax += pts;
    if (ok) score += pts;
    if (!q.requiresImage) {
      textMax += pts;
      if (ok) textScore += pts;
    }
    if (q.required) {
      reqMax += pts;
      if (ok) reqScore += pts;
    } else {
      genMax += pts;
      if (ok) genScore += pts;
    }
    count(byBlock, q.block, ok);
    count(byType, q.type, ok);
    count(byImage, q.requiresImage ? 'with_image' : 'text_only', ok);
    if (rules.kinkiDisclosed) {
      if (q.kinki === undefined) kinkiKnown = false;
      const k = kinkiSelected(r, q);
      if (k.length > 0) {
        kinkiQuestions.push(q.id);
        kinkiSelections.push({ question_id: q.id, choices: k });
      }
    }
  }
  for (const group of [byBlock, byType, byImage]) {
    for (const t of Object.values(group)) t.accuracy = roundedRatio(t.correct, t.total);
  }
  const sortedBlocks: Record<string, Tally> = {};
  for (const k of Object.keys(byBlock).sort()) sortedBlocks[k] = byBlock[k] as Tally;

  const total = records.length - excluded;
  // As the reference: pass/fail only when the run covers the whole part (its official maximum).
  const requiredPass = reqMax === rules.requiredMax ? reqScore >= rules.requiredPass : null;
  const generalPass = genMax === rules.generalMax ? genScore >= rules.generalPass : null;
  // Counted in questions, not choices: two prohibited choices in one answer (112D65, 113D73) are one.
  const kinkiCount = kinkiQuestions.length;
  const kinkiPass = kinkiKnown ? kinkiCount <= rules.kinkiMax : null;
  const passed = passedOf(verdictOf({ required_pass: requiredPass, general_pass: generalPass, kinki: { pass: kinkiPass } }));

  return {
    accuracy: roundedRatio(correct, total),
    correct,
    incorrect: total - correct,
    score,
    score_max: scoreMax,
    score_pct: roundedRatio(score, scoreMax),
    text_only_score: textScore,
    text_only_score_max: textMax,
    text_only_score_pct: roundedRatio(textScore, textMax),
    required_score: reqScore,
    required_score_max: reqMax,
    required_score_pct: roundedRatio(reqScore, reqMax),
    general_score: genScore,
    general_score_max: genMax,
    general_score_pct: roundedRatio(genScore, genMax),
    required_pass: requiredPass,
    general_pass: generalPass,
    parse_failures: parseFailures,
    errors,
    by_block: sortedBlocks,
    by_type: byType,
    by_image: byImage,
    excluded,
    truncated,
    exam: exam.id,
    required_pass_threshold: rules.requiredPass,
    general_pass_threshold: rules.generalPass,
    kinki: {
      disclosed: rules.kinkiDisclosed,
      selected: kinkiKnown ? kinkiCount : null,
      max: rules.kinkiMax,
      pass: kinkiPass,
      questions: kinkiQuestions,
      selections: kinkiSelections,
    },
    passed,
    usage: summariseUsage(records),
    extraction,
  };
}

/**
 * The summary of a result file: the first epoch's official summary (the
 * reference's fields, as its tools read them), usage over every epoch, and
 * for a repeated run (`--epochs K`) the `epochs` block.
 */
export function computeRunSummary(epochs: readonly (readonly ResultRecord[])[], exam: Exam, extraction: ExtractionRule = 'jmle-bench'): Summary {
  const summary = computeSummary(epochs[0] ?? [], exam, extraction);
  if (epochs.length < 2) return summary;
  const block = summariseEpochs(epochs, exam);
  return { ...summary, usage: summariseUsage(epochs.flat()), ...(block ? { epochs: block } : {}) };
}
