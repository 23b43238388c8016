import type { ExamRules } from '../exam/types.js';
import type { Summary, Tally } from '../scoring/summary.js';
import type { RunUncertainty } from '../stats/index.js';
import { formatPercent, formatProbability } from '../util/round.js';
import type { ExamineeComparison } from '../scoring/examinees.js';
import { examineeLines } from './examinees.js';

/**
 * The end-of-run summary block, as the reference harness prints it, with
 * pass/fail against the edition's thresholds, 禁忌肢, tokens, latency and cost.
 */
export interface SummaryBlockInput {
  readonly model: string;
  readonly summary: Summary;
  readonly rules: ExamRules;
  /** Where the result file was written (null: nothing written). */
  readonly path: string | null;
  readonly costUsd?: number | null;
  /** The run ended before every question was answered (resumable). */
  readonly stopped?: boolean;
  /** The run against the examinees (past exams with published per-question accuracy). */
  readonly examinees?: ExamineeComparison | null;
  /** How sure the numbers are (reports/uncertainty.ts); null when not computed or not estimable. */
  readonly uncertainty?: RunUncertainty | null;
}

/** Repeated runs and P(pass), in plain words: what a user came for ("does it pass?"). */
export function uncertaintyLines(s: Summary, u: RunUncertainty | null | undefined): string[] {
  const lines: string[] = [];
  const e = s.epochs;
  if (e) {
    const sd = e.score.sd === null ? '' : ` ± ${e.score.sd.toFixed(1)}`;
    const maj = e.majority_vote ? `; majority vote ${e.majority_vote.score}` : '';
    const pass = e.pass_share === null ? '' : `; ${Math.round(e.pass_share * e.count)} of ${e.count} pass`;
    const left = e.recorded > e.count ? ` (${e.recorded - e.count} incomplete epoch(s) left out)` : '';
    lines.push(`  Epochs:    ${e.count}: score ${e.score.mean.toFixed(1)}${sd} (min ${e.score.min}, max ${e.score.max})${maj}${pass}${left}`);
  }
  if (!u) return lines;
  const pts = (x: number) => (x * u.maxPoints).toFixed(1);
  lines.push(
    `  95% range: ${pts(u.score.interval.low)}–${pts(u.score.interval.high)} of ${u.maxPoints} on an exam like this one (questions resampled by case)`,
  );
  const rerun =
    u.passRerun.p === null
      ? u.passRerun.reason === 'one-epoch'
        ? 'not estimable from one epoch (use --epochs 2 or more)'
        : 'not estimable'
      : formatProbability(u.passRerun.p);
  const exam = u.passExam.p === null ? 'not estimable (partial run)' : formatProbability(u.passExam.p);
  const kinki = u.passExam.kinkiIncluded ? '' : ' (禁忌肢 not disclosed: required and general only)';
  lines.push(`  P(pass):   on an exam like this ${exam}; on a rerun of this exam ${rerun}${kinki}`);
  return lines;
}

const RULE = '='.repeat(60);

function partVerdict(pass: boolean | null, threshold: number): string {
  if (pass === null) return `(pass mark ${threshold}; partial run)`;
  return `${pass ? 'PASS' : 'FAIL'} (pass mark ${threshold})`;
}

function tallyLines(group: Record<string, Tally>, skipEmpty = false): string[] {
  return Object.entries(group)
    .filter(([, t]) => !skipEmpty || t.total > 0)
    .map(([k, t]) => `    ${k}: ${t.correct}/${t.total} (${formatPercent(t.accuracy)})`);
}

function kinkiLine(s: Summary): string {
  const k = s.kinki;
  if (k.selected === null) return `  禁忌肢:    unknown (not disclosed)`;
  const verdict = k.pass === null ? '' : k.pass ? '  PASS' : '  FAIL';
  const where = k.questions.length ? ` [${k.questions.slice(0, 5).join(', ')}${k.questions.length > 5 ? ', …' : ''}]` : '';
  return `  禁忌肢:    ${k.selected} selected (max ${k.max})${verdict}${where}`;
}

function seconds(ms: number | null): string {
  return ms === null ? '--' : `${(ms / 1000).toFixed(1)}s`;
}

export function formatSummaryBlock(input: SummaryBlockInput): string {
  const s = input.summary;
  const r = input.rules;
  const general = r.blocks.filter((b) => !r.requiredBlocks.includes(b));
  const reqLabel = `Required (${r.requiredBlocks.join('+')}):`;
  const genLabel = `General  (${general.join('+')}):`;
  const w = Math.max(reqLabel.length, genLabel.length) + 2;
  const total = s.correct + s.incorrect;
  const u = s.usage;
  const lines = [
    '',
    RULE,
    `  Model:     ${input.model}${input.stopped ? '   (stopped early: partial run)' : ''}`,
    `  Score:     ${s.score}/${s.score_max} (${formatPercent(s.score_pct)})`,
    `    ${reqLabel.padEnd(w)}${s.required_score}/${s.required_score_max} (${formatPercent(s.required_score_pct)})   ${partVerdict(s.required_pass, r.requiredPass)}`,
    `    ${genLabel.padEnd(w)}${s.general_score}/${s.general_score_max} (${formatPercent(s.general_score_pct)})   ${partVerdict(s.general_pass, r.generalPass)}`,
    kinkiLine(s),
    `  Accuracy:  ${s.correct}/${total} (${formatPercent(s.accuracy)})`,
    ...uncertaintyLines(s, input.uncertainty),
    `  Parse failures: ${s.parse_failures}`,
    `  Errors:    ${s.errors}`,
    ...(s.truncated > 0 ? [`  Truncated: ${s.truncated} (cut off by the token limit: raise --max-tokens)`] : []),
    '',
    '  By block:',
    ...tallyLines(s.by_block),
    '',
    '  By type:',
    ...tallyLines(s.by_type),
    '',
    '  By image:',
    ...tallyLines(s.by_image, true),
    '',
  ];
  const ex = input.examinees ? examineeLines(input.examinees, 'This run', '  ') : [];
  if (ex.length > 0) lines.push(...ex, '');
  if (u.records_with_usage > 0) {
    lines.push(`  Tokens:    ${u.prompt_tokens} prompt, ${u.completion_tokens} completion${u.reasoning_tokens ? ` (${u.reasoning_tokens} reasoning)` : ''}`);
  }
  lines.push(`  Requests:  ${u.requests}   Latency: mean ${seconds(u.latency_ms_mean)}, p50 ${seconds(u.latency_ms_p50)}, p95 ${seconds(u.latency_ms_p95)}`);
  if (input.costUsd !== null && input.costUsd !== undefined) lines.push(`  Cost:      $${input.costUsd.toFixed(4)}`);
  lines.push(RULE);
  lines.push(input.path ? `  Results saved to: ${input.path}` : '  Nothing finished; no result file written.');
  return lines.join('\n');
}
