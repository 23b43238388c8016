import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResultDir, type LoadedRun } from '../../src/runs/collection.js';
import { buildLeaderboard, type Leaderboard } from '../../src/reports/leaderboard.js';
import { allTableMarkdown, leaderboardCsv, leaderboardJson, textTableMarkdown } from '../../src/reports/leaderboard-render.js';
import { DATA_ROOT, JMLE2026_DIR, RESULTS_DIR } from '../helpers/data.js';

/**
 * The leaderboard built from the 10 real result files, checked row by row
 * against numbers computed here from the raw records and the dataset JSON.
 */

interface DatasetQuestion {
  question_id: string;
  block: string;
  number: number;
  question_type: string;
  requires_image: boolean;
  answer: string[];
}
interface RawRecord {
  question_id: string;
  predicted: string[];
  correct: boolean;
}
interface RawFile {
  metadata: { model: string; display_name?: string | null; image_mode?: string | null };
  summary: Record<string, unknown> & { by_image: Record<string, { correct: number; total: number; accuracy: number }> };
  results: RawRecord[];
}

const dataset = JSON.parse(readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8')) as DatasetQuestion[];
const byId = new Map(dataset.map((q) => [q.question_id, q]));
/** The official rule, restated here: B and E questions 26–50 are worth 3 points, everything else 1. */
const pointsOf = (q: DatasetQuestion) => (['B', 'E'].includes(q.block) && q.number >= 26 && q.number <= 50 ? 3 : 1);
const isRequired = (q: DatasetQuestion) => ['B', 'E'].includes(q.block);
/** Independent correctness: same set of letters, or the same number for calculation questions. */
function rightAnswer(predicted: readonly string[], q: DatasetQuestion): boolean {
  if (q.question_type === 'calculation') return predicted.length === 1 && Number(predicted[0]) === Number(q.answer[0]);
  return [...predicted].sort().join(',') === [...q.answer].sort().join(',');
}

/** Round half to even on the exact binary value of x (Python's round/format), via its exact decimal expansion. */
function pyFixed(x: number, digits: number): string {
  const exact = x.toFixed(80); // exact for the values here (< 2^53, at most 52 fractional bits)
  const [int, frac = ''] = exact.split('.');
  const tail = frac.slice(digits);
  if (tail[0] === '5' && /^50*$/.test(tail)) {
    const kept = `${int}.${frac.slice(0, digits)}`.replace(/\.$/, '');
    const last = Number(kept[kept.length - 1]);
    if (last % 2 === 0) return kept;
  }
  return x.toFixed(digits); // not a tie (or odd tie): toFixed rounds the exact value correctly
}
/** Python's f"{round(num / den, 4):.1%}": the 4-decimal ratio, times 100 in floating point, to one decimal. */
const pyPct = (num: number, den: number) => `${pyFixed(Number(pyFixed(num / den, 4)) * 100, 1)}%`;

interface Expected {
  name: string;
  path: string;
  vision: boolean;
  score: number;
  max: number;
  correct: number;
  total: number;
  textScore: number;
  textMax: number;
  textCorrect: number;
  textTotal: number;
  pass: boolean;
}

function expectedFrom(path: string, raw: RawFile, outcome: (r: RawRecord, q: DatasetQuestion) => boolean): Expected {
  let score = 0;
  let max = 0;
  let correct = 0;
  let textScore = 0;
  let textMax = 0;
  let textCorrect = 0;
  let textTotal = 0;
  let req = 0;
  let gen = 0;
  for (const r of raw.results) {
    const q = byId.get(r.question_id);
    if (!q) throw new Error(`unknown question ${r.question_id}`);
    const ok = outcome(r, q);
    const p = pointsOf(q);
    max += p;
    if (ok) {
      score += p;
      correct++;
      if (isRequired(q)) req += p;
      else gen += p;
    }
    if (!q.requires_image) {
      textMax += p;
      textTotal++;
      if (ok) {
        textScore += p;
        textCorrect++;
      }
    }
  }
  return {
    name: raw.metadata.display_name || raw.metadata.model,
    path,
    vision: raw.metadata.image_mode === 'vision',
    score,
    max,
    correct,
    total: raw.results.length,
    textScore,
    textMax,
    textCorrect,
    textTotal,
    pass: req >= 160 && gen >= 224, // the 120th's official thresholds
  };
}

const allRowOf = (e: Expected) =>
  `| ${e.pass ? `**${e.name}**` : e.name} | ${e.vision ? '✓' : '-'} | ${e.score}/${e.max} (${pyPct(e.score, e.max)}) | ${e.correct}/${e.total} (${pyPct(e.correct, e.total)}) |`;
const textRowOf = (e: Expected) =>
  `| ${e.name} | ${e.textScore}/${e.textMax} (${pyPct(e.textScore, e.textMax)}) | ${e.textCorrect}/${e.textTotal} (${pyPct(e.textCorrect, e.textTotal)}) |`;
const rowsOf = (table: string) => table.trimEnd().split('\n').slice(2);

let runs: LoadedRun[];
let lb: Leaderboard;
const raws = new Map<string, RawFile>();

beforeAll(() => {
  const loaded = loadResultDir(RESULTS_DIR, { dataDir: DATA_ROOT });
  expect(loaded.skipped).toEqual([]);
  runs = loaded.runs;
  for (const r of runs) raws.set(r.path, JSON.parse(readFileSync(r.path, 'utf8')) as RawFile);
  lb = buildLeaderboard(runs);
});

describe('leaderboard from the 10 real result files', () => {
  it('loads and rescores every file', () => {
    expect(runs.map((r) => r.path).sort()).toEqual(
      readdirSync(RESULTS_DIR)
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(RESULTS_DIR, f))
        .sort(),
    );
    expect(lb.all).toHaveLength(10);
    expect(lb.text).toHaveLength(10);
    expect(lb.questions).toEqual({ all: 400, text: 302 });
  });

  it('has the reference headers and separator lines', () => {
    const all = allTableMarkdown(lb).split('\n');
    const text = textTableMarkdown(lb).split('\n');
    expect(all[0]).toBe('| Model | Vision | Score | Accuracy |');
    expect(all[1]).toBe('|-----|------|-----|--------|');
    expect(text[0]).toBe('| Model | Score | Accuracy |');
    expect(text[1]).toBe('|-----|-----|--------|');
    expect(allTableMarkdown(lb).endsWith('|\n')).toBe(true);
  });

  it('every row matches numbers computed from the rescored answers and the dataset', () => {
    // Outcome = the rescored extraction's answer judged here against the dataset key.
    const expected = runs.map((run) => {
      const predicted = new Map(run.file.results.map((r) => [r.question_id, r.predicted]));
      return expectedFrom(run.path, raws.get(run.path) as RawFile, (r, q) => rightAnswer(predicted.get(r.question_id) ?? [], q));
    });
    const allRows = rowsOf(allTableMarkdown(lb));
    const textRows = rowsOf(textTableMarkdown(lb));
    for (const e of expected) {
      expect(allRows).toContain(allRowOf(e));
      expect(textRows).toContain(textRowOf(e));
    }
    // Sorted by score % (then accuracy), best first.
    const order = [...expected].sort((a, b) => b.score / b.max - a.score / a.max || b.correct / b.total - a.correct / a.total);
    expect(allRows).toEqual(order.map(allRowOf));
    const textOrder = [...expected].sort(
      (a, b) => b.textScore / b.textMax - a.textScore / a.textMax || b.textCorrect / b.textTotal - a.textCorrect / a.textTotal,
    );
    expect(textRows).toEqual(textOrder.map(textRowOf));
  });

  it('matches the stored records where rescoring changed nothing, and the recorded changes elsewhere', () => {
    let unchanged = 0;
    for (const run of runs) {
      const raw = raws.get(run.path) as RawFile;
      const flips = new Map(run.changes.map((c) => [c.questionId, c.after.correct]));
      const e = expectedFrom(run.path, raw, (r) => flips.get(r.question_id) ?? r.correct);
      expect(lb.all.find((r) => r.path === run.path)).toMatchObject({
        score: e.score,
        scoreMax: e.max,
        correct: e.correct,
        total: e.total,
        referenceBold: e.pass,
      });
      expect(lb.text.find((r) => r.path === run.path)).toMatchObject({
        score: e.textScore,
        scoreMax: e.textMax,
        correct: e.textCorrect,
        total: e.textTotal,
      });
      if (run.changes.some((c) => c.before.correct !== c.after.correct)) continue;
      // No outcome changed: the stored summary is right, and the rows must show it.
      unchanged++;
      const s = raw.summary as Record<string, number> & RawFile['summary'];
      const row = lb.all.find((r) => r.path === run.path);
      expect(row).toMatchObject({ score: s['score'], scoreMax: s['score_max'], scorePct: s['score_pct'], accuracy: s['accuracy'] });
      const textRow = lb.text.find((r) => r.path === run.path);
      const t = s.by_image['text_only'];
      expect(textRow).toMatchObject({
        score: s['text_only_score'],
        scoreMax: s['text_only_score_max'],
        scorePct: s['text_only_score_pct'],
        correct: t?.correct,
        total: t?.total,
        accuracy: t?.accuracy,
      });
    }
    expect(unchanged).toBeGreaterThanOrEqual(5);
  });

  it('reproduces rows of the reference README exactly', () => {
    const all = rowsOf(allTableMarkdown(lb));
    const text = rowsOf(textTableMarkdown(lb));
    expect(all).toContain('| **Claude Opus 4.6** | ✓ | 493/500 (98.6%) | 393/400 (98.2%) |');
    expect(all).toContain('| **Gemini 3.1 Pro Preview** | ✓ | 490/500 (98.0%) | 390/400 (97.5%) |');
    expect(all).toContain('| **Qwen3-32B** | - | 451/500 (90.2%) | 355/400 (88.8%) |');
    expect(text).toContain('| Claude Opus 4.6 | 379/382 (99.2%) | 299/302 (99.0%) |');
    expect(text).toContain('| Qwen3-32B | 350/382 (91.6%) | 274/302 (90.7%) |');
    expect(all[0]).toBe('| **Claude Opus 4.6** | ✓ | 493/500 (98.6%) | 393/400 (98.2%) |');
  });

  it('equals the reference README row byte for byte for every run whose outcomes rescoring left unchanged', () => {
    // The reference README (naoto-iwase/JMLE2026-Bench, commit 10a066bd34ce), rows of the models we have result files for.
    const refAll = [
      '| **Claude Opus 4.6** | ✓ | 493/500 (98.6%) | 393/400 (98.2%) |',
      '| **Gemini 3.1 Pro Preview** | ✓ | 490/500 (98.0%) | 390/400 (97.5%) |',
      '| **GPT-5.2** | ✓ | 488/500 (97.6%) | 388/400 (97.0%) |',
      '| **Qwen3.5-27B (no-think)** | ✓ | 464/500 (92.8%) | 366/400 (91.5%) |',
      '| **Qwen3-Swallow-32B-RL-v0.2** | - | 459/500 (91.8%) | 365/400 (91.2%) |',
      '| **Qwen3-32B** | - | 451/500 (90.2%) | 355/400 (88.8%) |',
      '| **Preferred-MedRECT-32B** | - | 449/500 (89.8%) | 357/400 (89.2%) |',
      '| **gpt-oss-120b (low)** | - | 433/500 (86.6%) | 343/400 (85.8%) |',
      '| **gpt-oss-20b (medium)** | - | 428/500 (85.6%) | 342/400 (85.5%) |',
      '| **Qwen3-32B (no-think)** | - | 416/500 (83.2%) | 326/400 (81.5%) |',
    ];
    const refText = [
      '| Claude Opus 4.6 | 379/382 (99.2%) | 299/302 (99.0%) |',
      '| Gemini 3.1 Pro Preview | 379/382 (99.2%) | 299/302 (99.0%) |',
      '| GPT-5.2 | 375/382 (98.2%) | 295/302 (97.7%) |',
      '| Qwen3.5-27B (no-think) | 358/382 (93.7%) | 280/302 (92.7%) |',
      '| Qwen3-Swallow-32B-RL-v0.2 | 354/382 (92.7%) | 280/302 (92.7%) |',
      '| Preferred-MedRECT-32B | 351/382 (91.9%) | 277/302 (91.7%) |',
      '| Qwen3-32B | 350/382 (91.6%) | 274/302 (90.7%) |',
      '| gpt-oss-120b (low) | 333/382 (87.2%) | 263/302 (87.1%) |',
      '| gpt-oss-20b (medium) | 329/382 (86.1%) | 261/302 (86.4%) |',
      '| Qwen3-32B (no-think) | 320/382 (83.8%) | 250/302 (82.8%) |',
    ];
    const ours = (table: string, name: string) => rowsOf(table).find((r) => r.replace(/\*\*/g, '').startsWith(`| ${name} |`));
    const nameOf = (row: string) => row.split(' | ')[0]!.replace(/^\| /, '').replace(/\*\*/g, '');
    let same = 0;
    for (const [ref, table] of [...refAll.map((r) => [r, allTableMarkdown(lb)] as const), ...refText.map((r) => [r, textTableMarkdown(lb)] as const)]) {
      const name = nameOf(ref);
      const run = runs.find((r) => r.name === name)!;
      expect(run, name).toBeDefined();
      const improved = run.changes.some((c) => c.before.correct !== c.after.correct);
      if (improved) expect(ours(table, name), name).not.toBe(ref);
      else {
        expect(ours(table, name), name).toBe(ref);
        same++;
      }
    }
    expect(same).toBe(14); // 7 runs × 2 tables; the other 3 gained answers from the improved extraction
    // Ties keep the reference's order (Opus before Gemini at 379/382, 299/302).
    const text = rowsOf(textTableMarkdown(lb)).map(nameOf);
    expect(text.indexOf('Claude Opus 4.6')).toBeLessThan(text.indexOf('Gemini 3.1 Pro Preview'));
  });

  it('reports pass/fail with 禁忌肢 unknown, never 0', () => {
    const json = leaderboardJson(lb);
    for (const r of [...json.all, ...json.text_only]) {
      expect(r.kinki_selected).toBeNull();
      expect(r.passed).toBeNull(); // required and general pass, 禁忌肢 unknown → not decidable
      expect(r.required_pass).toBe(true);
    }
  });
});

describe('confidence intervals in the outputs', () => {
  let withCi: Leaderboard;
  beforeAll(() => {
    withCi = buildLeaderboard(runs, { uncertainty: { resamples: 500 } });
  });

  it('every row has intervals containing its point estimates', () => {
    for (const r of [...withCi.all, ...withCi.text]) {
      expect(r.ci).toBeDefined();
      expect(r.ci!.score.low).toBeLessThanOrEqual(r.score / r.scoreMax);
      expect(r.ci!.score.high).toBeGreaterThanOrEqual(r.score / r.scoreMax);
      expect(r.ci!.accuracy.low).toBeLessThanOrEqual(r.correct / r.total);
      expect(r.ci!.accuracy.high).toBeGreaterThanOrEqual(r.correct / r.total);
    }
  });

  it('text-only intervals are wider than all-question ones (fewer questions)', () => {
    const opusAll = withCi.all.find((r) => r.name === 'Qwen3-32B')!;
    const opusText = withCi.text.find((r) => r.name === 'Qwen3-32B')!;
    expect(opusText.ci!.accuracy.high - opusText.ci!.accuracy.low).toBeGreaterThan(opusAll.ci!.accuracy.high - opusAll.ci!.accuracy.low);
  });

  it('--ci columns in Markdown, CI numbers in JSON and CSV', () => {
    const md = allTableMarkdown(withCi, { ci: true }).split('\n');
    expect(md[0]).toBe('| Model | Vision | Score | Score 95% CI | Accuracy | Accuracy 95% CI |');
    expect(md[2]).toMatch(
      /^\| \*\*Claude Opus 4\.6\*\* \| ✓ \| 493\/500 \(98\.6%\) \| \[\d+\.\d%, \d+\.\d%\] \| 393\/400 \(98\.2%\) \| \[\d+\.\d%, \d+\.\d%\] \|$/,
    );
    expect(textTableMarkdown(withCi, { ci: true }).split('\n')[0]).toBe('| Model | Score | Score 95% CI | Accuracy | Accuracy 95% CI |');

    const json = leaderboardJson(withCi);
    expect(json.uncertainty).toMatchObject({ resamples: 500, level: 0.95 });
    expect(json.all[0]!.score_ci!.low).toBeLessThanOrEqual(0.986);
    expect(json.all[0]!.score_ci!.high).toBeGreaterThanOrEqual(0.986);

    const csv = leaderboardCsv(withCi).trimEnd().split('\n');
    expect(csv).toHaveLength(1 + 10 + 10);
    const header = csv[0]!.split(',');
    const first = csv[1]!.split(',');
    expect(first[header.indexOf('table')]).toBe('all');
    expect(first[header.indexOf('name')]).toBe('Claude Opus 4.6');
    expect(Number(first[header.indexOf('score_ci_low')])).toBeLessThanOrEqual(0.986);
    expect(first[header.indexOf('kinki_selected')]).toBe(''); // unknown, not 0
  });

  it('is reproducible', () => {
    const again = buildLeaderboard(runs, { uncertainty: { resamples: 500 } });
    expect(leaderboardJson(again)).toEqual(leaderboardJson(withCi));
  });
});

describe('duplicates, skip-mode runs and broken files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jmle-lb-'));
    const read = (f: string) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as RawFile;
    // The same display name on two different runs: the better one must be kept.
    const good = read('openai_gpt-5.2.json');
    const worse = read('openai_gpt-oss-20b_medium.json');
    good.metadata.display_name = 'Same Name';
    worse.metadata.display_name = 'Same Name';
    writeFileSync(join(dir, 'a_worse.json'), JSON.stringify(worse));
    writeFileSync(join(dir, 'b_good.json'), JSON.stringify(good));
    // A skip-mode run: only the text-only questions.
    const skip = read('Qwen_Qwen3-32B.json');
    skip.metadata.image_mode = 'skip';
    skip.metadata.display_name = 'Skipper';
    skip.results = skip.results.filter((r) => !byId.get(r.question_id)!.requires_image);
    writeFileSync(join(dir, 'c_skip.json'), JSON.stringify(skip));
    writeFileSync(join(dir, 'd_broken.json'), '{"metadata": {"model": "x"}, "results": [');
    writeFileSync(join(dir, 'e_not_a_result.json'), '{"hello": 1}');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips unreadable files with the reason and loads the rest', () => {
    const { runs: rs, skipped } = loadResultDir(dir, { dataDir: DATA_ROOT });
    expect(rs.map((r) => r.name).sort()).toEqual(['Same Name', 'Same Name', 'Skipper']);
    expect(skipped.map((s) => s.path)).toEqual([join(dir, 'd_broken.json'), join(dir, 'e_not_a_result.json')]);
    expect(skipped[0]!.reason).toMatch(/not valid JSON/);
    expect(skipped[1]!.reason).toMatch(/not a result file/);
  });

  it('keeps the best run of a duplicated name and says so', () => {
    const { runs: rs } = loadResultDir(dir, { dataDir: DATA_ROOT });
    const board = buildLeaderboard(rs);
    const same = board.all.filter((r) => r.name === 'Same Name');
    expect(same).toHaveLength(1);
    expect(same[0]!.path).toBe(join(dir, 'b_good.json'));
    expect(same[0]!.score).toBe(488);
    expect(board.notes.some((n) => n.includes('"Same Name"') && n.includes('All') && n.includes('a_worse.json'))).toBe(true);
    expect(board.notes.some((n) => n.includes('Text-only'))).toBe(true);
    expect(leaderboardJson(board).notes).toEqual(board.notes);
  });

  it('leaves skip-mode runs out of the All table and shows the whole run as text-only', () => {
    const { runs: rs } = loadResultDir(dir, { dataDir: DATA_ROOT });
    const board = buildLeaderboard(rs);
    expect(board.all.map((r) => r.name)).not.toContain('Skipper');
    const raw = JSON.parse(readFileSync(join(dir, 'c_skip.json'), 'utf8')) as RawFile;
    const run = rs.find((r) => r.name === 'Skipper')!;
    const predicted = new Map(run.file.results.map((r) => [r.question_id, r.predicted]));
    const e = expectedFrom(run.path, raw, (r, q) => rightAnswer(predicted.get(r.question_id) ?? [], q));
    expect(e.total).toBe(302);
    expect(rowsOf(textTableMarkdown(board))).toContain(textRowOf(e));
  });

  it('a missing results directory is a one-line user error', () => {
    expect(() => loadResultDir(join(dir, 'nope'), { dataDir: DATA_ROOT })).toThrow(/cannot read results directory .*--results DIR/);
  });
});

describe('pyPct (test helper) agrees with Python on known values', () => {
  it('formats like f"{x:.1%}"', () => {
    expect(pyPct(393, 400)).toBe('98.2%'); // 0.9825 → 98.25 in binary is below .25
    expect(pyPct(355, 400)).toBe('88.8%'); // 0.8875
    expect(pyPct(493, 500)).toBe('98.6%');
    expect(pyPct(299, 302)).toBe('99.0%');
  });
});

describe('uncertainty on the leaderboard (issue 11)', () => {
  it('JSON and CSV rows carry epochs, mean, sd, P(pass) in both readings and the rank range (null where not estimable)', () => {
    const lb = buildLeaderboard(runs, { uncertainty: { resamples: 500 } });
    const json = leaderboardJson(lb);
    for (const row of [...json.all, ...json.text_only]) {
      expect(row.epochs).toBe(1);
      expect(row.score_mean).toBe(row.score);
      expect(row.score_sd).toBeNull(); // one epoch: not estimable
      expect(row.p_pass_rerun).toBeNull(); // one epoch: not estimable, never 0 or 1
      expect(row.rank_low).toBeLessThanOrEqual(row.rank);
      expect(row.rank_high).toBeGreaterThanOrEqual(row.rank);
    }
    const top = json.all.slice(0, 3);
    expect(top.map((r) => r.score)).toEqual([493, 490, 488]);
    // The top three cannot be told apart: their rank ranges overlap the leader's.
    expect(top[0]?.rank_low).toBe(1);
    expect(top.slice(1).every((r) => r.tied_with_leader === true && r.rank_low === 1)).toBe(true);
    const all = json.all.map((r) => r.p_pass_exam);
    expect(all.every((p) => p !== null && p >= 0 && p <= 1)).toBe(true);
    const csv = leaderboardCsv(lb).trimEnd().split('\n');
    const header = csv[0]!.split(',');
    for (const col of ['epochs', 'score_mean', 'score_sd', 'p_pass_rerun', 'p_pass_exam', 'rank_low', 'rank_high']) expect(header).toContain(col);
    const first = csv[1]!.split(',');
    expect(first[header.indexOf('p_pass_rerun')]).toBe('');
    expect(first[header.indexOf('rank_low')]).toBe('1');
  });

  it('--uncertainty adds the columns; the reference tables stay as they are without it', () => {
    const lb = buildLeaderboard(runs, { uncertainty: { resamples: 500 } });
    expect(allTableMarkdown(lb).split('\n')[0]).toBe('| Model | Vision | Score | Accuracy |');
    expect(allTableMarkdown(lb, { uncertainty: true }).split('\n')[0]).toBe(
      '| Model | Vision | Score | Accuracy | Epochs | Mean ± SD | P(pass) rerun | P(pass) exam | Rank 95% |',
    );
    expect(allTableMarkdown(lb, { uncertainty: true })).toMatch(
      /\| \*\*Gemini 3\.1 Pro Preview\*\* \| ✓ \| 490\/500 \(98\.0%\) \| 390\/400 \(97\.5%\) \| 1 \| 490\.0 \| – \| [0-9.>]+ \| 1–\d \(tied for 1st\) \|/,
    );
  });
});
