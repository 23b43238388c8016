import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeQuietly, writeFileAtomicSync } from '../util/atomic.js';
import { sha256Hex } from '../util/builtin.js';
import type { Question } from './types.js';

/**
 * Prepared questions: what a loader made of a dataset file (decoded, parsed,
 * checked, scored by the rules), kept in the cache so that the next load of
 * the same bytes by the same build reads them back instead. Loading the 120th
 * was the largest part of a run's start after Node's own (~6 ms of the ~16 ms
 * to its first request: BENCHMARKS.md, "run overhead").
 *
 * Nothing stale can be met: a prepared file holds a copy of the dataset bytes
 * it was made from, compared byte for byte with the file read now (no hash to
 * work out at start-up), and its name holds the hash of the sources of the
 * build that made it (only the CLI bundle has one: scripts/build-cli.mjs).
 * It also keeps the dataset's SHA-256 (the exam's version). The questions are
 * JSON in UTF-16, read back without decoding UTF-8. A file that cannot be read
 * or is not what it should be is prepared again; one that cannot be written
 * is simply not kept: only the head start is lost, never a check.
 */

/** Where prepared questions are kept, and the build they are valid for. */
export interface PreparedStore {
  readonly dir: string;
  /** A hash of the sources of the code that prepares them. */
  readonly build: string;
}

/** The questions and the dataset's SHA-256 (hex). */
export interface Prepared {
  readonly questions: readonly Question[];
  readonly version: string;
}

// The file: MAGIC, the dataset's length (uint32 LE), the dataset's bytes, then {version, questions} as JSON in UTF-16LE.
const MAGIC = Buffer.from('JMLEPRE1', 'latin1');
const HEAD = MAGIC.length + 4;

/** `prepare`'s questions for `dataset`, from the store when it has them for these bytes; kept there when it did not. */
export function preparedQuestions(store: PreparedStore, source: string, dataset: Buffer, prepare: () => readonly Question[]): Prepared {
  const name = `${source}-${store.build}.prepared`;
  const kept = readPrepared(join(store.dir, name), dataset);
  if (kept) return kept;
  const questions = prepare(); // throws on a dataset with problems: nothing is kept
  const prepared = { questions, version: sha256Hex(dataset) };
  keep(store.dir, name, source, dataset, prepared);
  return prepared;
}

function readPrepared(path: string, dataset: Buffer): Prepared | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return null; // none yet
  }
  const end = HEAD + dataset.length;
  if (file.length < end || !file.subarray(0, MAGIC.length).equals(MAGIC) || file.readUInt32LE(MAGIC.length) !== dataset.length) return null;
  if (!file.subarray(HEAD, end).equals(dataset)) return null; // made from other bytes: the dataset changed
  try {
    const p = JSON.parse(file.toString('utf16le', end)) as Partial<Prepared> | null;
    return typeof p?.version === 'string' && Array.isArray(p.questions) && p.questions.length > 0 ? { questions: p.questions, version: p.version } : null;
  } catch {
    return null; // cut short, or not ours: prepared again
  }
}

/**
 * Write the file atomically (a reader sees all of it or none; a miss, so once per dataset and build),
 * and remove the source's other prepared files (other builds).
 */
function keep(dir: string, name: string, source: string, dataset: Buffer, prepared: Prepared): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const length = Buffer.alloc(4);
    length.writeUInt32LE(dataset.length);
    writeFileAtomicSync(join(dir, name), Buffer.concat([MAGIC, length, dataset, Buffer.from(JSON.stringify(prepared), 'utf16le')]));
  } catch {
    return; // not kept: the next load prepares them again
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const other of names) if (other !== name && other.startsWith(`${source}-`)) removeQuietly(join(dir, other));
}
