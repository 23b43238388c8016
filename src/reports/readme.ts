import { readFileSync, statSync } from 'node:fs';
import { loadResultDir } from '../runs/collection.js';
import { isReadOnlyFile, writeFileAtomicSync } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { allTableMarkdown, buildLeaderboard, textTableMarkdown } from './leaderboard.js';

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

export interface ReadmeLeaderboardOptions {
  /** The README to update. */
  readonly readme: string;
  /** Folder of result files (e.g. `results/`). */
  readonly resultsDir: string;
  readonly dataDir?: string;
  readonly exam?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * For the end of `run`: rebuild the leaderboard from every result file in
 * `resultsDir` (rescored) and replace the README's tables, as the reference
 * does. Returns false, touching nothing, when the README does not exist, has
 * no leaderboard markers, or no result file loads; true when it was rewritten
 * (false too when it was already current). An unwritable README throws `UserError`.
 */
export function updateReadmeLeaderboard(opts: ReadmeLeaderboardOptions): boolean {
  let text: string;
  try {
    text = readFileSync(opts.readme, 'utf8');
  } catch {
    return false;
  }
  const blocks = [LEADERBOARD_MARKERS.all, LEADERBOARD_MARKERS.text];
  if (missingMarkers(text, blocks).length > 0) return false;
  const { runs } = loadResultDir(opts.resultsDir, { dataDir: opts.dataDir, exam: opts.exam, env: opts.env });
  const examId = opts.exam ?? runs[0]?.exam.id;
  const same = runs.filter((r) => r.exam.id === examId);
  if (same.length === 0) return false;
  const lb = buildLeaderboard(same);
  return updateReadmeBlocks(opts.readme, leaderboardBlocks({ all: allTableMarkdown(lb), text: textTableMarkdown(lb) })).changed;
}
