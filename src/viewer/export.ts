import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { defaultAppDir, listAppFiles, withDataMode } from './app-files.js';
import { comparePayload, examImageNames, indexPayload, leaderboardPayload, matrixPayload, questionsPayload } from './data.js';
import { runPayload, type CollectionOptions, type RunSource } from './load.js';
import { resolveImage } from './paths.js';
import type { IndexPayload } from './types.js';
import { viewerData } from './server.js';

/**
 * `jmle-bench export-site OUT`: the viewer as static files (relative URLs,
 * hash routing) for any static host. Writes only into an empty or new folder,
 * or over a previous export (recognised by its marker file, which lists the
 * files it wrote; only those are replaced).
 */

export const EXPORT_MARKER = '.jmle-bench-export.json';

/**
 * The paired view needs one file per ordered pair of runs (n·(n−1) per exam,
 * ~5 ms each). Up to this many runs per exam every pair is exported; beyond,
 * the pairs among the best this many (the app says so, and `jmle-bench view`
 * compares any two).
 */
export const EXPORT_COMPARE_LIMIT = 40;

export interface ExportOptions extends CollectionOptions {
  readonly resultsDir: string;
  readonly appDir?: string;
}

export interface ExportReport {
  readonly out: string;
  readonly files: number;
  readonly runs: number;
  /** The exams exported (oldest first). */
  readonly exams: readonly string[];
  readonly series: boolean;
  readonly skipped: readonly { file: string; reason: string }[];
  readonly images: number;
}

const SAFE_REL = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/;

function previousExportFiles(out: string): string[] | null {
  const marker = join(out, EXPORT_MARKER);
  if (!existsSync(marker)) return null;
  try {
    const data = JSON.parse(readFileSync(marker, 'utf8')) as { tool?: unknown; files?: unknown };
    if (data.tool !== 'jmle-bench export-site' || !Array.isArray(data.files)) return null;
    return data.files.filter((f): f is string => typeof f === 'string' && SAFE_REL.test(f));
  } catch {
    return null;
  }
}

/** Check OUT and clear what a previous export wrote there; refuses anything else. */
function prepareOut(out: string): void {
  if (!existsSync(out)) {
    mkdirSync(out, { recursive: true });
    return;
  }
  if (!statSync(out).isDirectory()) throw new UserError(`export-site: ${out} exists and is not a folder; choose a new or empty folder`);
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  const previous = previousExportFiles(out);
  if (!previous) {
    throw new UserError(`export-site: ${out} is not empty and is not a previous export; choose a new or empty folder (nothing was written)`);
  }
  const dirs = new Set<string>();
  for (const rel of previous) {
    const abs = join(out, rel);
    try {
      if (statSync(abs).isFile()) unlinkSync(abs);
    } catch {
      // already gone
    }
    for (let d = dirname(rel); d !== '.' && d !== ''; d = dirname(d)) dirs.add(d);
  }
  // Remove folders the previous export created, deepest first, if now empty.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      if (readdirSync(join(out, d)).length === 0) rmdirSync(join(out, d));
    } catch {
      // not there or not empty
    }
  }
}

/** A comparison, or the one line saying why there is none (the app shows it as the live server's error). */
function comparison(a: RunSource, b: RunSource): unknown {
  try {
    return comparePayload(a, b);
  } catch (e) {
    if (e instanceof UserError) return { error: e.message };
    throw e;
  }
}

export function exportSite(outArg: string, opts: ExportOptions): ExportReport {
  const out = resolve(outArg);
  // Load and check everything before touching OUT.
  const appFiles = listAppFiles(opts.appDir ?? defaultAppDir());
  const data = viewerData(opts.resultsDir, opts);
  const { collection, series } = data;
  const runData = collection.exams.flatMap((g) => g.runs.map((r) => runPayload(r)));
  const pairs: [string, unknown][] = [];
  for (const g of collection.exams) {
    const top = g.runs.slice(0, EXPORT_COMPARE_LIMIT);
    for (const a of top) for (const b of top) if (a !== b) pairs.push([`data/compare/${a.entry.id}/${b.entry.id}.json`, comparison(a, b)]);
  }
  const images: [string, string][] = [];
  for (const { exam } of collection.exams) {
    if (!exam.imageDir) continue;
    for (const name of [...examImageNames(exam)].sort()) {
      const file = resolveImage(exam.imageDir, new Set([name]), name);
      if (file && SAFE_REL.test(name)) images.push([`${exam.id}/${name}`, file]);
    }
  }

  prepareOut(out);
  const written: string[] = [];
  const write = (rel: string, data: string | Buffer) => {
    const abs = join(out, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, data);
    written.push(rel);
  };
  for (const [rel, abs] of appFiles) {
    if (rel === 'index.html') write(rel, withDataMode(readFileSync(abs, 'utf8'), 'static'));
    else {
      mkdirSync(dirname(join(out, rel)), { recursive: true });
      copyFileSync(abs, join(out, rel));
      written.push(rel);
    }
  }
  write('data/index.json', JSON.stringify({ ...indexPayload(collection, series), compareLimit: EXPORT_COMPARE_LIMIT } satisfies IndexPayload));
  if (series) write('data/series.json', JSON.stringify(series));
  for (const g of collection.exams) {
    write(`data/exams/${g.exam.id}/leaderboard.json`, JSON.stringify(leaderboardPayload(g)));
    write(`data/exams/${g.exam.id}/questions.json`, JSON.stringify(questionsPayload(g.exam)));
    write(`data/exams/${g.exam.id}/matrix.json`, JSON.stringify(matrixPayload(g)));
  }
  for (const r of runData) write(`data/runs/${r.id}.json`, JSON.stringify(r));
  for (const [rel, payload] of pairs) write(rel, JSON.stringify(payload));
  for (const [rel, file] of images) {
    mkdirSync(dirname(join(out, 'images', rel)), { recursive: true });
    copyFileSync(file, join(out, 'images', rel));
    written.push(`images/${rel}`);
  }
  writeFileSync(join(out, EXPORT_MARKER), JSON.stringify({ tool: 'jmle-bench export-site', version: VERSION, files: written }, null, 2));
  return {
    out,
    files: written.length,
    runs: runData.length,
    exams: collection.exams.map((g) => g.exam.id),
    series: series !== null,
    skipped: collection.skipped,
    images: images.length,
  };
}
