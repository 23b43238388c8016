import { basename } from 'node:path';
import { rightCounts } from '../results/epochs.js';
import type { Exam, Question } from '../exam/types.js';
import { scoredQuestionCounts } from '../reports/leaderboard.js';
import { buildSeries, seriesJson } from '../reports/series.js';
import { compareRuns, comparisonJson } from '../reports/compare.js';
import { verdictOf } from '../scoring/verdict.js';
import { UserError } from '../util/errors.js';
import type {
  ComparePayload,
  ExamInfo,
  IndexPayload,
  LeaderboardPayload,
  MatrixPayload,
  QuestionView,
  QuestionsPayload,
  SeriesCellView,
  SeriesPayload,
} from './types.js';
import type { ExamRuns, LoadedCollection, RunSource } from './load.js';
import { resolveImage } from './paths.js';

/** Build the viewer's JSON payloads from the exam and the loaded runs. */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The points rule in words, from the edition's rules (data), e.g. "B/E Q26–50 are 3 points each; every other question 1 point (max 500)". */
export function scoreRuleText(exam: Exam): string {
  const rules = exam.rules;
  const max = exam.questions.reduce((s, q) => s + q.points, 0);
  const parts = rules.pointRules.map((r) => `${r.blocks.join('/')} Q${r.from}–${r.to} are ${plural(r.points, 'point')} each`);
  const excluded = exam.questions.filter((q) => q.points === 0).length;
  const other = parts.length ? `every other question ${plural(rules.defaultPoints, 'point')}` : `every question ${plural(rules.defaultPoints, 'point')}`;
  return [...parts, other].join('; ') + ` (max ${max})` + (excluded ? `; ${plural(excluded, 'question')} excluded from scoring` : '');
}

export function examInfo(exam: Exam): ExamInfo {
  const r = exam.rules;
  return {
    id: exam.id,
    title: r.title,
    blocks: r.blocks,
    requiredBlocks: r.requiredBlocks,
    questionCount: exam.questions.length,
    textOnlyCount: exam.questions.filter((q) => !q.requiresImage).length,
    scoredCounts: scoredQuestionCounts(exam),
    scoreMax: exam.questions.reduce((s, q) => s + q.points, 0),
    requiredMax: r.requiredMax,
    generalMax: r.generalMax,
    requiredPass: r.requiredPass,
    generalPass: r.generalPass,
    kinkiDisclosed: r.kinkiDisclosed,
    kinkiMax: r.kinkiMax,
    scoreRule: scoreRuleText(exam),
    datasetVersion: exam.version,
    examineeQuestions: exam.questions.filter((q) => q.humanAccuracy !== undefined).length,
  };
}

/** Summaries only, ranked, with intervals and the charts: what the leaderboard needs, small and fast. */
export function leaderboardPayload(g: ExamRuns): LeaderboardPayload {
  return { exam: examInfo(g.exam), runs: g.runs.map((r) => r.entry), charts: g.charts };
}

/** Every run's right/wrong per question, compactly (the question matrix). */
export function matrixPayload(g: ExamRuns): MatrixPayload {
  const ids = g.exam.questions.map((q) => q.id);
  return {
    exam: g.exam.id,
    questions: ids,
    runs: g.runs.map(({ entry, loaded }) => {
      const byId = new Map(loaded.file.results.map((r) => [r.question_id, r]));
      let marks = '';
      const predicted: string[] = [];
      for (const id of ids) {
        const r = byId.get(id);
        marks += r ? (r.correct ? '1' : '0') : '-';
        predicted.push(r ? r.predicted.join(',') : '');
      }
      // Repeated runs: k/K right per question (the first epoch's answer stays the one shown).
      const counts = rightCounts(loaded.file);
      if (!counts) return { run: entry.id, marks, predicted };
      return { run: entry.id, marks, predicted, k: ids.map((id) => counts.get(id)?.k ?? 0), epochs: 1 + (loaded.file.extra_epochs?.length ?? 0) };
    }),
  };
}

/**
 * Two runs of one exam compared: `comparisonJson(compareRuns(a, b))`, exactly
 * what `jmle-bench compare A B --json` prints, with local paths replaced by file
 * names. Throws `UserError` when the runs share no question.
 */
export function comparePayload(a: RunSource, b: RunSource): ComparePayload {
  const c = compareRuns(a.loaded, b.loaded);
  if (c.questions === 0) throw new UserError(`${a.entry.file} and ${b.entry.file} share no scored question`);
  const json = comparisonJson(c);
  return {
    run_a: a.entry.id,
    run_b: b.entry.id,
    ...json,
    a: { ...json.a, path: a.entry.file },
    b: { ...json.b, path: b.entry.file },
    verdict: { a: verdictOf(c.a.summary), b: verdictOf(c.b.summary) },
  };
}

/** The exams (oldest first), the exam to open, each run's exam, the skipped files. */
export function indexPayload(c: LoadedCollection, series: SeriesPayload | null): IndexPayload {
  const runExam: Record<string, string> = {};
  for (const g of c.exams) for (const r of g.runs) runExam[r.entry.id] = g.exam.id;
  return {
    exams: c.exams.map((g) => ({ id: g.exam.id, title: g.exam.rules.title, runs: g.runs.length })),
    defaultExam: c.defaultExam,
    runExam,
    skipped: c.skipped,
    series: series !== null,
    compareLimit: null,
  };
}

/**
 * The series table, exactly `jmle-bench leaderboard --exams …`'s JSON
 * (`seriesJson(buildSeries(runs, exams))`), with each cell's local path replaced
 * by its run id and file name. `exams` null: every exam of the collection, and
 * no series when it holds fewer than two.
 */
export function seriesPayload(c: LoadedCollection, exams: readonly string[] | null): SeriesPayload | null {
  const list = exams ?? c.exams.filter((g) => g.runs.length > 0).map((g) => g.exam.id);
  if (exams === null && list.length < 2) return null;
  const json = seriesJson(buildSeries(c.loaded, list));
  const local = (text: string) => [...c.idByPath.keys()].reduce((t, p) => t.split(p).join(basename(p)), text);
  return {
    exams: json.exams,
    rows: json.rows.map((row) => ({
      ...row,
      exams: Object.fromEntries(
        Object.entries(row.exams).map(([exam, cell]): [string, SeriesCellView | null] => {
          if (!cell) return [exam, null];
          const { path, ...rest } = cell;
          return [exam, { ...rest, run: c.idByPath.get(path) ?? '', file: basename(path) }];
        }),
      ),
    })),
    notes: json.notes.map(local),
  };
}

export function questionView(q: Question, exam: Exam, hasImage: (name: string) => boolean = () => true): QuestionView {
  return {
    id: q.id,
    block: q.block,
    number: q.number,
    type: q.type,
    text: q.text,
    choices: q.choices,
    images: q.images.filter(hasImage),
    missingImages: q.images.filter((name) => !hasImage(name)),
    requiresImage: q.requiresImage,
    selectCount: q.selectCount,
    answer: q.answer,
    allCorrect: q.allCorrect,
    points: q.points,
    required: q.required,
    serial: q.serial ? { groupId: q.serial.groupId, questions: q.serial.questions, context: q.serial.context } : null,
    kinki: kinkiOf(q, exam),
    humanAccuracy: q.humanAccuracy ?? null,
    breakdown: q.breakdown ?? null,
  };
}

/** Disclosed 禁忌肢 of a question, or null (unknown) when the exam or the question does not disclose them. */
function kinkiOf(q: Question, exam: Exam): readonly string[] | null {
  return exam.rules.kinkiDisclosed && q.kinki !== undefined ? q.kinki : null;
}

/** The questions as shown; images the data lists but the folder lacks are named as missing, not linked. */
export function questionsPayload(exam: Exam): QuestionsPayload {
  const names = examImageNames(exam);
  const hasImage = (name: string) => exam.imageDir !== undefined && resolveImage(exam.imageDir, names, name) !== null;
  return { exam: exam.id, questions: exam.questions.map((q) => questionView(q, exam, hasImage)) };
}

/** Every image name the exam refers to (the only names `/images/` serves). */
export function examImageNames(exam: Exam): Set<string> {
  const names = new Set<string>();
  for (const q of exam.questions) for (const img of q.images) names.add(img);
  return names;
}
