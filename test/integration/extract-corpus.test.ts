import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { IGAKUQA_EXAMS } from '../../src/exam/sources/igakuqa.js';
import type { Exam, Question } from '../../src/exam/types.js';
import { extractAnswer, referenceExtract } from '../../src/extract/extract.js';
import { importIgakuqa, igakuqaSystems } from '../../src/runs/import-igakuqa.js';
import { isCorrect } from '../../src/scoring/correct.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';
import { MUTATIONS, type Response } from '../helpers/extract-mutations.js';

/**
 * "For every response where the reference rule gives the answer key,
 * jmle-bench gives it too", checked on a generated corpus: every published
 * response (the 10 result files of the 120th, and IgakuQA's baseline
 * predictions as `import igakuqa` makes them), each under every mutation of
 * test/helpers/extract-mutations.ts. And "a presentation mutation never changes
 * what we read". Responses are read at test time; none is copied here.
 */

interface Item {
  readonly id: string;
  readonly q: Question;
  readonly response: Response;
}

function published(): Item[] {
  const { exam } = loadExam({ exam: '120', dataDir: DATA_ROOT });
  const items: Item[] = [];
  for (const name of readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'))) {
    const file = JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as {
      results: { question_id: string; raw_response: string; reasoning?: string | null; error?: string | null }[];
    };
    for (const r of file.results) {
      const q = exam.byId.get(r.question_id);
      if (q && !r.error) items.push({ id: `${name} ${r.question_id}`, q, response: { content: r.raw_response, reasoning: r.reasoning ?? null } });
    }
  }
  return items;
}

function igakuqa(): Item[] {
  const items: Item[] = [];
  const dir = join(DATA_ROOT, 'igakuqa');
  for (const id of IGAKUQA_EXAMS) {
    const exam: Exam = loadExam({ exam: id, dataDir: DATA_ROOT }).exam;
    for (const system of igakuqaSystems(dir, id)) {
      for (const r of importIgakuqa({ dir, system, exam }).file.results) {
        const q = exam.byId.get(r.question_id);
        // A question correct for everyone says nothing about extraction.
        if (q && !r.error && !q.allCorrect)
          items.push({ id: `${system} ${r.question_id}`, q, response: { content: r.raw_response, reasoning: r.reasoning ?? null } });
      }
    }
  }
  return items;
}

/**
 * Where the reference credits a response by accident, and we do not. Each is a
 * reading of no answer of the model's: stated here, with its reason.
 */
const REFERENCE_ACCIDENTS: Readonly<Record<string, string>> = {
  // "b: unfortunately, ② cannot be translated without any context. it is a number or symbol…"
  'translate_chatgpt-en 112C38': 'the reference reads the English article "a" ("it is a number") as the choice a, the key',
};

function parityMisses(items: readonly Item[]): { checked: number; misses: string[] } {
  let checked = 0;
  const misses: string[] = [];
  for (const { id, q, response } of items) {
    if (REFERENCE_ACCIDENTS[id]) continue;
    for (const m of MUTATIONS) {
      const r = m.parity ? m.apply(response, q.type) : null;
      if (!r) continue;
      const ref = referenceExtract(r.content, r.reasoning, q.type);
      if (!ref.ok || !isCorrect(ref.predicted, q, 'reference')) continue;
      checked++;
      const ours = extractAnswer(r.content, r.reasoning, q);
      if (!ours.ok || !isCorrect(ours.predicted, q))
        misses.push(`${id}, ${m.name}: reference ${ref.predicted.join(',')}, ours ${ours.predicted.join(',') || '-'}`);
    }
  }
  return { checked, misses };
}

function unstable(items: readonly Item[]): { checked: number; changed: string[] } {
  let checked = 0;
  const changed: string[] = [];
  for (const { id, q, response } of items) {
    const base = extractAnswer(response.content, response.reasoning, q);
    if (base.source !== 'content') continue;
    for (const m of MUTATIONS) {
      const r = m.stable ? m.apply(response, q.type) : null;
      if (!r) continue;
      checked++;
      const x = extractAnswer(r.content, r.reasoning, q);
      if (x.predicted.join(',') !== base.predicted.join(',')) changed.push(`${id}, ${m.name}: ${base.predicted.join(',')} → ${x.predicted.join(',') || '-'}`);
    }
  }
  return { checked, changed };
}

describe('never worse than the reference, on mutations of every published response', () => {
  const jmle = published();
  const baselines = igakuqa();

  it('the corpus: 10 files of the 120th and every IgakuQA baseline of the 112th–116th', () => {
    expect(jmle.length).toBeGreaterThan(3900);
    expect(baselines.length).toBeGreaterThan(9000);
  });

  it('120th: wherever the reference reads the key, so do we', () => {
    const { checked, misses } = parityMisses(jmle);
    expect(checked).toBeGreaterThan(80_000);
    expect(misses).toEqual([]);
  });

  it('IgakuQA baselines: wherever the reference reads the key, so do we (one reference accident listed)', () => {
    const { checked, misses } = parityMisses(baselines);
    expect(checked).toBeGreaterThan(100_000);
    expect(misses).toEqual([]);
  });

  it('the listed accident is one: the reference credits it and we do not', () => {
    for (const id of Object.keys(REFERENCE_ACCIDENTS)) {
      const item = baselines.find((x) => x.id === id);
      expect(item, id).toBeDefined();
      const { q, response } = item as Item;
      const ref = referenceExtract(response.content, response.reasoning, q.type);
      expect(isCorrect(ref.predicted, q, 'reference')).toBe(true);
      expect(isCorrect(extractAnswer(response.content, response.reasoning, q).predicted, q)).toBe(false);
    }
  });

  it('a presentation mutation never changes what we read from the content (120th)', () => {
    const { checked, changed } = unstable(jmle);
    expect(checked).toBeGreaterThan(80_000);
    expect(changed).toEqual([]);
  });

  it('a presentation mutation never changes what we read from the content (IgakuQA baselines)', () => {
    const { checked, changed } = unstable(baselines);
    expect(checked).toBeGreaterThan(100_000);
    expect(changed).toEqual([]);
  });
});
