import { describeFsError, UserError } from '../util/errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic.js';
import type { ResultFile, ResultRecord } from './schema.js';

/**
 * Writing result files (no validation needed: we write what we built). Apart
 * from reading (io.ts), so a run that only writes does not load the schema library.
 */

/** The reference writes `json.dump(..., ensure_ascii=False, indent=2)`; JSON.stringify with 2 spaces is the same shape. */
export function serialiseResultFile(file: ResultFile): string {
  return JSON.stringify(file, null, 2);
}

/**
 * `JSON.stringify(value, null, 2)` as it reads `depth` levels deep in a text
 * written with indent 2: every line after the first indented by `depth` more
 * steps. (A raw line break in JSON text is always layout: line breaks within
 * strings are escaped.) Undefined for what JSON leaves out (undefined, a function).
 */
function nested(value: unknown, depth: number): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined || depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/** How deep a record sits in a result file: `results[i]` (depth 2), or `extra_epochs[j].results[i]` (depth 4). */
const FIRST_EPOCH_DEPTH = 2;
const LATER_EPOCH_DEPTH = 4;

/**
 * A result file's bytes, exactly those of `serialiseResultFile` in UTF-8,
 * with its records encoded ahead of time: a run hands each record to
 * `prepare` as it comes in (while the other requests are out), so that
 * writing the file after the last answer costs its head (metadata, summary)
 * and a copy, not the encoding of every answer, reasoning included, at the
 * moment the user waits for it. A prepared record must not change afterwards
 * (records are final once made); a record not prepared, or placed at another
 * depth than prepared for, is encoded when the file is.
 */
export class ResultFileEncoder {
  readonly #records = new WeakMap<ResultRecord, { readonly depth: number; readonly bytes: Buffer }>();

  prepare(record: ResultRecord): void {
    const depth = (record.epoch ?? 1) === 1 ? FIRST_EPOCH_DEPTH : LATER_EPOCH_DEPTH;
    this.#records.set(record, { depth, bytes: Buffer.from(nested(record, depth) as string, 'utf8') });
  }

  encode(file: ResultFile): Buffer {
    const out: Buffer[] = [];
    const records = (list: readonly unknown[], depth: number) => this.#recordList(list, depth, out);
    const epoch = (value: unknown, depth: number) =>
      isPlainObject(value) ? this.#object(value, depth, out, { results: records }) : out.push(text(nested(value, depth) ?? 'null'));
    this.#object(file, 0, out, { results: records, extra_epochs: (list, depth) => this.#array(list, depth, out, epoch) });
    return Buffer.concat(out);
  }

  /** An array of records at `depth`: each from its prepared bytes when it has them for this place. */
  #recordList(list: readonly unknown[], depth: number, out: Buffer[]): void {
    this.#array(list, depth, out, (r, d) => {
      const prepared = isPlainObject(r) ? this.#records.get(r as ResultRecord) : undefined;
      out.push(prepared?.depth === d ? prepared.bytes : text(nested(r, d) ?? 'null'));
    });
  }

  /** `[…]` as JSON.stringify lays it out at `depth`, each element written by `element` one level deeper. */
  #array(list: readonly unknown[], depth: number, out: Buffer[], element: (value: unknown, depth: number) => unknown): void {
    if (list.length === 0) {
      out.push(text('[]'));
      return;
    }
    const indent = `\n${'  '.repeat(depth + 1)}`;
    const between = text(`,${indent}`); // one buffer for every separator: a run's file has hundreds
    list.forEach((value, i) => {
      out.push(i === 0 ? text(`[${indent}`) : between);
      element(value, depth + 1);
    });
    out.push(text(`\n${'  '.repeat(depth)}]`));
  }

  /**
   * `{…}` as JSON.stringify lays it out at `depth`: its keys in their order,
   * members JSON leaves out (undefined) left out. A member named in `arrays`
   * whose value is an array is written by its writer; any other as JSON.
   */
  #object(obj: object, depth: number, out: Buffer[], arrays: Readonly<Record<string, (list: readonly unknown[], depth: number) => void>>): void {
    const indent = `\n${'  '.repeat(depth + 1)}`;
    let first = true;
    for (const [key, value] of Object.entries(obj)) {
      const head = `${first ? '{' : ','}${indent}${JSON.stringify(key)}: `;
      const writer = Object.hasOwn(arrays, key) ? arrays[key] : undefined;
      if (writer && Array.isArray(value)) {
        out.push(text(head));
        writer(value, depth + 1);
      } else {
        const body = nested(value, depth + 1);
        if (body === undefined) continue;
        out.push(text(head + body));
      }
      first = false;
    }
    out.push(text(first ? '{}' : `\n${'  '.repeat(depth)}}`));
  }
}

/** An object JSON writes member by member (no array, no `toJSON` of its own, such as a Date's). */
function isPlainObject(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

function writeError(e: unknown, path: string): UserError {
  return new UserError(`cannot write ${path}: ${describeFsError(e)}; check that its folder exists and is writable, or choose another path`);
}

/** Write atomically (a temporary file, then rename); a failure is a one-line `UserError`, the old file untouched. */
export function writeResultFileSync(path: string, file: ResultFile): void {
  try {
    writeFileAtomicSync(path, serialiseResultFile(file));
  } catch (e) {
    throw writeError(e, path);
  }
}

export async function writeResultFile(path: string, file: ResultFile): Promise<void> {
  try {
    await writeFileAtomic(path, serialiseResultFile(file));
  } catch (e) {
    throw writeError(e, path);
  }
}
