import type { Exam, ExamRules } from '../exam/types.js';

/**
 * The exam as the statistics see it: which questions are scored, what each is
 * worth, which part it belongs to, and how questions hang together (serial
 * case groups, strata). Built once per exam (or per table's question set) and
 * shared by every run on it, so that resampling plans can be shared too.
 */

/** The official pass criteria of an edition: the part of `ExamRules` the statistics read. */
export type PassRules = Pick<ExamRules, 'requiredMax' | 'generalMax' | 'requiredPass' | 'generalPass' | 'kinkiMax' | 'kinkiDisclosed'>;

/** One stratum: the clusters of one block whose (first) question is worth the same points. */
export interface Stratum {
  readonly block: string;
  readonly points: number;
  /** Cluster indices in this stratum, in exam order. */
  readonly clusters: Int32Array;
  /** Points of the stratum's questions (the weight it keeps in every resample). */
  readonly maxPoints: number;
  readonly questions: number;
}

export interface ExamDesign {
  /** Scored question ids (0-point questions left out), in exam order; positions index every array below. */
  readonly ids: readonly string[];
  /** Points per question (positive integers). */
  readonly points: Float64Array;
  /** 1 = the question is in the required (必修) part, 0 = general. */
  readonly required: Uint8Array;
  /**
   * Serial case group per question: questions of one case share a cluster
   * (they share the case text, so their outcomes are not independent); every
   * other question is its own cluster. Cluster indices are 0…clusterCount−1,
   * numbered in exam order.
   */
  readonly cluster: Int32Array;
  /**
   * Stratum per question: (block, points) of its cluster's first question.
   * Every resample draws, within each stratum, as many clusters as the stratum
   * has, so each resample is a whole exam: six blocks, each with its 1-point
   * and 3-point questions. A serial case belongs to one stratum as a whole.
   */
  readonly stratum: Int32Array;
  readonly strata: readonly Stratum[];
  readonly clusterCount: number;
  /** Questions of cluster c are `clusterMembers[clusterStart[c] … clusterStart[c+1]−1]`. */
  readonly clusterStart: Int32Array;
  readonly clusterMembers: Int32Array;
  /** Stratum of each cluster. */
  readonly clusterStratum: Int32Array;
  /** Points of the required and general parts in this design. */
  readonly requiredMax: number;
  readonly generalMax: number;
  /**
   * Whether the design covers each whole part (its official maximum): the
   * pass marks apply only then, as in the summary.
   */
  readonly requiredComplete: boolean;
  readonly generalComplete: boolean;
  readonly rules: PassRules;
  /**
   * Whether 禁忌肢 can be judged: the edition discloses its prohibited choices
   * and every question of the design carries them. False = "unknown".
   */
  readonly kinkiKnown: boolean;
  /** 1 where the question has at least one prohibited choice; null when `kinkiKnown` is false. */
  readonly kinkiChoices: Uint8Array | null;
}

/** Everything needed to build a design without an `Exam` (synthetic exams in tests, other sources). */
export interface DesignInput {
  readonly ids: readonly string[];
  readonly points: ArrayLike<number>;
  readonly required: ArrayLike<number | boolean>;
  readonly block: readonly string[];
  /** Serial case group per question (same label = same case); null = a question of its own. */
  readonly group: readonly (string | null)[];
  readonly rules: PassRules;
  /** Per question, whether it has a prohibited choice; null/absent = not disclosed. */
  readonly kinkiChoices?: ArrayLike<number | boolean> | null;
}

/** Build a design from plain arrays (validated: same lengths, positive integer points, a case within one block and part). */
export function buildDesign(input: DesignInput): ExamDesign {
  const n = input.ids.length;
  for (const [name, arr] of [
    ['points', input.points],
    ['required', input.required],
    ['block', input.block],
    ['group', input.group],
  ] as const) {
    if (arr.length !== n) throw new RangeError(`design: ${name} has ${arr.length} entries for ${n} questions`);
  }
  if (input.kinkiChoices && input.kinkiChoices.length !== n)
    throw new RangeError(`design: kinkiChoices has ${input.kinkiChoices.length} entries for ${n} questions`);
  if (new Set(input.ids).size !== n) throw new RangeError('design: question ids must be unique');

  const points = new Float64Array(n);
  const required = new Uint8Array(n);
  const cluster = new Int32Array(n);
  const clusterOf = new Map<string, number>();
  const clusterFirst: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = input.points[i] as number;
    if (!(Number.isInteger(p) && p > 0)) throw new RangeError(`design: ${input.ids[i]} is worth ${p} points; only positive integers are scored`);
    points[i] = p;
    required[i] = input.required[i] ? 1 : 0;
    const g = input.group[i] ?? null;
    let c = g === null ? undefined : clusterOf.get(g);
    if (c === undefined) {
      c = clusterFirst.length;
      clusterFirst.push(i);
      if (g !== null) clusterOf.set(g, c);
    }
    cluster[i] = c;
    const first = clusterFirst[c] as number;
    if (input.block[first] !== input.block[i] || required[first] !== required[i]) {
      throw new RangeError(`design: case ${g} spans blocks or parts (${input.ids[first]}, ${input.ids[i]})`);
    }
  }
  const clusterCount = clusterFirst.length;

  // Members by cluster (counting sort keeps exam order inside a cluster).
  const clusterStart = new Int32Array(clusterCount + 1);
  for (let i = 0; i < n; i++) clusterStart[(cluster[i] as number) + 1] = (clusterStart[(cluster[i] as number) + 1] as number) + 1;
  for (let c = 0; c < clusterCount; c++) clusterStart[c + 1] = (clusterStart[c + 1] as number) + (clusterStart[c] as number);
  const fill = clusterStart.slice(0, clusterCount);
  const clusterMembers = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = cluster[i] as number;
    clusterMembers[fill[c] as number] = i;
    fill[c] = (fill[c] as number) + 1;
  }

  // Strata: (block, points) of each cluster's first question, numbered in order of appearance.
  const stratumOf = new Map<string, number>();
  const strataClusters: number[][] = [];
  const strataKey: { block: string; points: number }[] = [];
  const clusterStratum = new Int32Array(clusterCount);
  for (let c = 0; c < clusterCount; c++) {
    const first = clusterFirst[c] as number;
    const block = input.block[first] as string;
    const pts = points[first] as number;
    const key = `${block}\u0000${pts}`;
    let s = stratumOf.get(key);
    if (s === undefined) {
      s = strataClusters.length;
      stratumOf.set(key, s);
      strataClusters.push([]);
      strataKey.push({ block, points: pts });
    }
    (strataClusters[s] as number[]).push(c);
    clusterStratum[c] = s;
  }
  const stratum = new Int32Array(n);
  const stratumPoints = new Float64Array(strataClusters.length);
  const stratumQuestions = new Int32Array(strataClusters.length);
  let requiredMax = 0;
  let generalMax = 0;
  for (let i = 0; i < n; i++) {
    const s = clusterStratum[cluster[i] as number] as number;
    stratum[i] = s;
    stratumPoints[s] = (stratumPoints[s] as number) + (points[i] as number);
    stratumQuestions[s] = (stratumQuestions[s] as number) + 1;
    if (required[i]) requiredMax += points[i] as number;
    else generalMax += points[i] as number;
  }
  const strata: Stratum[] = strataClusters.map((cs, s) => ({
    block: (strataKey[s] as { block: string }).block,
    points: (strataKey[s] as { points: number }).points,
    clusters: Int32Array.from(cs),
    maxPoints: stratumPoints[s] as number,
    questions: stratumQuestions[s] as number,
  }));

  const rules = input.rules;
  const given = input.kinkiChoices ?? null;
  const kinkiKnown = rules.kinkiDisclosed && given !== null;
  const kinkiChoices = kinkiKnown && given ? Uint8Array.from(Array.from(given, (x) => (x ? 1 : 0))) : null;
  return {
    ids: [...input.ids],
    points,
    required,
    cluster,
    stratum,
    strata,
    clusterCount,
    clusterStart,
    clusterMembers,
    clusterStratum,
    requiredMax,
    generalMax,
    requiredComplete: requiredMax === rules.requiredMax,
    generalComplete: generalMax === rules.generalMax,
    rules: {
      requiredMax: rules.requiredMax,
      generalMax: rules.generalMax,
      requiredPass: rules.requiredPass,
      generalPass: rules.generalPass,
      kinkiMax: rules.kinkiMax,
      kinkiDisclosed: rules.kinkiDisclosed,
    },
    kinkiKnown,
    kinkiChoices,
  };
}

const DESIGNS_PER_EXAM = 8;
const designCache = new WeakMap<object, Map<string, ExamDesign>>();

/**
 * The design of an exam, or of some of its questions (`questionIds`, e.g. the
 * text-only table or the questions two runs share), in exam order.
 * 0-point questions (excluded from scoring) are left out, as in the summary.
 * Clusters come from `q.serial.groupId`. 禁忌肢 is known only where the edition
 * discloses it and every question carries its prohibited choices.
 */
export function examDesign(exam: Pick<Exam, 'questions' | 'rules' | 'byId'>, questionIds?: readonly string[]): ExamDesign {
  let questions = exam.questions;
  if (questionIds) {
    const wanted = new Set(questionIds);
    for (const id of wanted) if (!exam.byId.has(id)) throw new RangeError(`design: ${id} is not a question of exam ${exam.rules.id}`);
    questions = questions.filter((q) => wanted.has(q.id));
  }
  const scored = questions.filter((q) => q.points > 0);
  // One design per exam and question set: resampling plans are cached per design, so the same
  // questions share them (a run's report, after the plans were drawn while its requests were out).
  let designs = designCache.get(exam);
  if (!designs) designCache.set(exam, (designs = new Map<string, ExamDesign>()));
  const key = scored.map((q) => q.id).join('\n');
  const held = designs.get(key);
  if (held) return held;
  const disclosed = exam.rules.kinkiDisclosed && scored.every((q) => q.kinki !== undefined);
  const design = buildDesign({
    ids: scored.map((q) => q.id),
    points: scored.map((q) => q.points),
    required: scored.map((q) => q.required),
    block: scored.map((q) => q.block),
    group: scored.map((q) => q.serial?.groupId ?? null),
    rules: exam.rules,
    kinkiChoices: disclosed ? scored.map((q) => (q.kinki?.length ?? 0) > 0) : null,
  });
  if (designs.size >= DESIGNS_PER_EXAM) designs.delete(designs.keys().next().value as string);
  designs.set(key, design);
  return design;
}
