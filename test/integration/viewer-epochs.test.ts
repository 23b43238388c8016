import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { runBenchmark } from '../../src/runner/benchmark.js';
import { resolveRunSpec } from '../../src/runner/spec.js';
import { leaderboardPayload, matrixPayload } from '../../src/viewer/data.js';
import { loadCollection, runPayload, type LoadedCollection } from '../../src/viewer/load.js';
import { DATA_ROOT } from '../helpers/data.js';

/** Repeated runs in the viewer: k/K per question in the matrix and the answers, epochs, sd-based statistics on the leaderboard. */
describe('the viewer with a repeated run (--epochs 3)', () => {
  let collection: LoadedCollection;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-viewer-epochs-'));
    const { exam } = loadExam({ dataDir: DATA_ROOT });
    const spec = resolveRunSpec({
      task: { exam, epochs: 3 },
      model: { model: 'random', provider: 'random', settings: { seed: 5 } },
      output: { out: 'random.json', cwd: dir },
    });
    await runBenchmark(spec);
    collection = loadCollection(dir, { dataDir: DATA_ROOT });
  });

  it('the matrix and the answers carry k/K right per question', () => {
    const group = collection.exams.find((g) => g.exam.id === '120')!;
    const m = matrixPayload(group);
    const run = m.runs[0]!;
    expect(run.epochs).toBe(3);
    expect(run.k).toHaveLength(400);
    expect(run.k!.every((k) => k >= 0 && k <= 3)).toBe(true);
    expect(run.k!.some((k) => k > 0)).toBe(true);
    const records = runPayload(group.runs[0]!).records;
    expect(records.every((r) => r.K === 3 && r.k !== undefined && r.k <= 3)).toBe(true);
    // The first epoch's outcome is one of the k.
    expect(records.every((r) => (r.correct ? (r.k ?? 0) >= 1 : (r.k ?? 0) <= 2))).toBe(true);
  });

  it('the leaderboard carries the epochs and P(pass) on a rerun', () => {
    const group = collection.exams.find((g) => g.exam.id === '120')!;
    const entry = leaderboardPayload(group).runs[0]!;
    expect(entry.stats?.epochs).toBe(3);
    expect(entry.stats?.p_pass_rerun).toBeDefined();
    expect(entry.stats!.p_pass_rerun!).toBeLessThan(0.01); // chance level never passes
  });
});
