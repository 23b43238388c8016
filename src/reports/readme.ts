import { readFileSync, statSync } from 'node:fs';
import { isReadOnlyFile, writeFileAtomicSync } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import type { ImageMode } from '../exam/types.js';
import type { Summary } from '../results/summary.js';
import { referenceBold } from '../scoring/verdict.js';
import { ALL_HEADERS, cell, fmtRatio, formatTable, TEXT_HEADERS } from './leaderboard-render.js';
import { tableFigures, type TableSummary } from './leaderboard.js';
import type { TableScope } from './uncertainty.js';

/**
 * Replacing generated blocks between marker comments in a README, as the
 * reference does: the content after the start marker's line up to the end
 * marker is replaced; everything else stays byte for byte.
 */

export interface MarkerBlock {
  /** e.g. `<!-- leaderboard-all-start -->` (the content starts on the next line). */
  readonly start: string;
  readonly end: string;
  /** New content; should end with a newline so the end marker keeps its own line. */
  readonly content: string;
}

export const LEADERBOARD_MARKERS = {
  all: { start: '<!-- leaderboard-all-start -->', end: '<!-- leaderboard-all-end -->' },
  text: { start: '<!-- leaderboard-text-start -->', end: '<!-- leaderboard-text-end -->' },
} as const;

/**
 * Where a marker stands on a line of its own (white space around it allowed),
 * at or after `from`: the index of the line's start and of the next line's
 * start. A marker quoted in prose (`` `<!-- leaderboard-all-start -->` ``) is
 * not a marker, so documenting the markers never gets that text replaced.
 */
function markerLine(text: string, marker: string, from: number): { lineStart: number; next: number } | null {
  let i = text.indexOf(marker, from);
  while (i >= 0) {
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    const nl = text.indexOf('\n', i);
    const lineEnd = nl < 0 ? text.length : nl;
    if (text.slice(lineStart, lineEnd).trim() === marker) return { lineStart, next: nl < 0 ? text.length : nl + 1 };
    i = text.indexOf(marker, i + marker.length);
  }
  return null;
}

function findBlock(text: string, b: Pick<MarkerBlock, 'start' | 'end'>): { start: ReturnType<typeof markerLine>; end: ReturnType<typeof markerLine> } {
  const start = markerLine(text, b.start, 0);
  const end = markerLine(text, b.end, start ? start.next : 0);
  return { start, end };
}

/** Markers of `blocks` not found, each on a line of its own and in order, in `text`. */
export function missingMarkers(text: string, blocks: readonly Pick<MarkerBlock, 'start' | 'end'>[]): string[] {
  const missing: string[] = [];
  for (const b of blocks) {
    const { start, end } = findBlock(text, b);
    if (!start) missing.push(b.start);
    if (!end) missing.push(b.end);
  }
  return missing;
}

/**
 * Replace every block's content: the lines between the start marker's line and
 * the end marker's line. Throws `UserError` naming the missing markers.
 * Idempotent: applying the same blocks to the result returns it unchanged.
 */
export function replaceMarkerBlocks(text: string, blocks: readonly MarkerBlock[], where = 'README'): string {
  const missing = missingMarkers(text, blocks);
  if (missing.length > 0) {
    throw new UserError(
      `${where}: missing marker${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (each on a line of its own); add them where the tables should go`,
    );
  }
  let out = text;
  for (const b of blocks) {
    const { start, end } = findBlock(out, b);
    if (!start || !end) throw new Error('unreachable: markers checked above');
    const lf = b.content === '' || b.content.endsWith('\n') ? b.content : `${b.content}\n`;
    // A README with Windows line endings keeps them in the new block too.
    const crlf = out.slice(start.next - 2, start.next) === '\r\n';
    const content = crlf ? lf.replace(/\r?\n/g, '\r\n') : lf;
    out = out.slice(0, start.next) + content + out.slice(end.lineStart);
  }
  return out;
}

export interface ReadmeUpdate {
  readonly path: string;
  /** False when the README already had exactly this content (nothing was written). */
  readonly changed: boolean;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The README's text; `UserError` when it cannot be read. */
function readReadme(path: string): string {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read README ${path} (${errCode(e)}); pass --readme with an existing Markdown file`);
  }
}

/** Check up front that `path` is a readable README holding the markers (throws `UserError` otherwise). */
export function checkReadme(path: string, blocks: readonly Pick<MarkerBlock, 'start' | 'end'>[]): void {
  replaceMarkerBlocks(
    readReadme(path),
    blocks.map((b) => ({ ...b, content: '' })),
    path,
  );
}

/**
 * Replace the blocks in the README at `path`, atomically. Writes nothing when
 * the content is already current (a second run leaves the file byte-identical).
 * Unreadable/unwritable file or missing markers: `UserError`, file unchanged.
 * A README that is a symbolic link is updated where the link points and stays
 * a link (the atomic rename replaces the real file, not the link).
 */
export function updateReadmeBlocks(path: string, blocks: readonly MarkerBlock[]): ReadmeUpdate {
  const text = readReadme(path);
  const next = replaceMarkerBlocks(text, blocks, path);
  if (next === text) return { path, changed: false };
  // The atomic rename would replace a read-only file too (and root may write anything):
  // a README without any write permission bit is read-only by the owner's choice.
  if (isReadOnlyFile(path)) throw new UserError(`cannot write README ${path} (read-only); check its permissions`);
  try {
    // Keeps the file's permission bits, and writes where a symbolic link points.
    writeFileAtomicSync(path, next);
  } catch (e) {
    throw new UserError(`cannot write README ${path} (${errCode(e)}); check the permissions of its folder`);
  }
  return { path, changed: true };
}

/** The two leaderboard blocks of a README, from rendered tables. */
export function leaderboardBlocks(tables: { all: string; text: string }): MarkerBlock[] {
  return [
    { ...LEADERBOARD_MARKERS.all, content: tables.all },
    { ...LEADERBOARD_MARKERS.text, content: tables.text },
  ];
}

/** What a run puts on the README's tables, as the reference's `update_leaderboard` takes it. */
export interface ReadmeRun {
  /** `--display-name`, else the model. */
  readonly name: string;
  readonly imageMode: ImageMode;
  readonly summary: TableSummary & Pick<Summary, 'required_pass' | 'general_pass'>;
}

/** The rows of the Markdown table in a block, as the reference parses them (header and separator left out). */
function tableRows(block: string): string[][] {
  const rows: string[][] = [];
  for (const raw of block.trim().split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith('|') || /^[|\-\s]*$/.test(line)) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length === 0 || cells[0] === 'Model') continue;
    rows.push(cells);
  }
  return rows;
}

/** The reference's `_score_sort_key`: the percentage in "485/500 (97.0%)", 0 when unreadable. */
function scoreKey(row: readonly string[], col: number): number {
  const m = /\(([^)]*)/.exec(row[col] ?? '');
  const n = m ? Number((m[1] ?? '').replace(/[%)]+$/, '')) : NaN;
  return Number.isFinite(n) ? n / 100 : 0;
}

const stripBold = (s: string) => (s.length >= 4 && s.startsWith('**') && s.endsWith('**') ? s.slice(2, -2) : s);

function upsertTable(
  text: string,
  marker: { start: string; end: string },
  headers: readonly string[],
  scoreCol: number,
  keep: (row: string[]) => boolean,
  entry: string[],
): string {
  const { start, end } = findBlock(text, marker);
  if (!start || !end) return text;
  const rows = tableRows(text.slice(start.next, end.lineStart)).filter(keep);
  rows.push(entry);
  // Stable, best first, as Python's sort(reverse=True): equal scores keep their order.
  rows.sort((a, b) => scoreKey(b, scoreCol) - scoreKey(a, scoreCol));
  return replaceMarkerBlocks(text, [{ ...marker, content: formatTable(headers, rows) }]);
}

/**
 * After a run, as the reference's `update_leaderboard` does: add this run's
 * row to the README's tables, or replace the row it had (same name, and in
 * the All table the same vision mark); every other row stays as it was.
 * Rebuilding the tables from a results folder is `leaderboard --readme`.
 * Returns false, touching nothing, when the README does not exist or has no
 * leaderboard markers. An unwritable README throws `UserError`.
 */
export function upsertReadmeRun(readme: string, run: ReadmeRun): boolean {
  let text: string;
  try {
    text = readFileSync(readme, 'utf8');
  } catch {
    return false;
  }
  const hasAll = missingMarkers(text, [LEADERBOARD_MARKERS.all]).length === 0;
  const hasText = missingMarkers(text, [LEADERBOARD_MARKERS.text]).length === 0;
  if (!hasAll && !hasText) return false;
  // Score and accuracy as the leaderboard's rows have them (its rows and this one come from `tableFigures`).
  const figures = (table: TableScope) => {
    const f = tableFigures(run.summary, run.imageMode, table);
    return [fmtRatio(f.score, f.scoreMax, f.scorePct), fmtRatio(f.correct, f.total, f.accuracy)];
  };
  let next = text;
  if (hasAll && run.imageMode !== 'skip') {
    const vision = run.imageMode === 'vision' ? '✓' : '-';
    const name = referenceBold(run.summary) ? `**${cell(run.name)}**` : cell(run.name);
    const entry = [name, vision, ...figures('all')];
    next = upsertTable(next, LEADERBOARD_MARKERS.all, ALL_HEADERS, 2, (r) => !(stripBold(r[0] ?? '') === cell(run.name) && r[1] === vision), entry);
  }
  if (hasText) {
    const entry = [cell(run.name), ...figures('text')];
    next = upsertTable(next, LEADERBOARD_MARKERS.text, TEXT_HEADERS, 1, (r) => stripBold(r[0] ?? '') !== cell(run.name), entry);
  }
  if (next === text) return false;
  if (isReadOnlyFile(readme)) throw new UserError(`cannot write README ${readme} (read-only); check its permissions`);
  try {
    writeFileAtomicSync(readme, next);
  } catch (e) {
    throw new UserError(`cannot write README ${readme} (${errCode(e)}); check the permissions of its folder`);
  }
  return true;
}
