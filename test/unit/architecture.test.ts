import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house, floor by floor (README, "Contributing: the layout"). Data flows
 * one way: exam → prompt → provider → extraction → scoring → result file →
 * reports/viewer. A module imports from its own folder or from lower floors,
 * never upwards; this test reads every import of src/ and holds the code to it.
 */
const FLOORS: Readonly<Record<string, number>> = {
  util: 0,
  'version.ts': 0,
  results: 1, // the result file's schema and I/O: the data model everything reads
  exam: 1, // questions and rules as data, source loaders
  stats: 2, // pure statistics over exams' designs
  prompt: 2,
  dataset: 2, // downloading and verifying the data
  extract: 3,
  providers: 3,
  scoring: 4,
  runs: 5, // loaded result files: collections, rescoring, import
  runner: 5,
  reports: 6,
  viewer: 7,
  cli: 8,
  'index.ts': 8,
};

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The room of a file: its top folder under src/ (or the file itself at the top). */
function room(file: string): string {
  return relative(SRC, file).split(sep)[0] as string;
}

/** Relative imports of a file, static and dynamic, resolved to files under src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

describe('the import graph', () => {
  const files = sourceFiles(SRC);

  it('knows the floor of every room', () => {
    const rooms = new Set(files.map(room));
    expect([...rooms].filter((r) => FLOORS[r] === undefined)).toEqual([]);
  });

  it('has no import that runs upwards', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = room(file);
      for (const target of imports(file)) {
        const to = room(target);
        if (to === from) continue;
        if ((FLOORS[to] ?? Infinity) > (FLOORS[from] ?? -Infinity)) upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps terminal displays in the CLI: nothing below it writes progress to a terminal', () => {
    const below = files.filter((f) => room(f) !== 'cli' && room(f) !== 'index.ts');
    const offenders = below.filter((f) => /process\.(stdout|stderr)\.write|\\x1b\[/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });
});
