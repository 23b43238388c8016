import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describeFsError, UserError } from '../util/errors.js';
import { ResultFileSchema, type ResultFile } from './schema.js';

/** Reading result files, every one validated against the schema. Writing is write.ts's (it needs no schema). */

/** Validate parsed JSON as a result file; the error names the file and the first bad field. */
export function parseResultFile(data: unknown, path: string): ResultFile {
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('results' in data) || !('metadata' in data)) {
    throw new UserError(`${path} is not a result file (expected an object with "metadata" and "results")`);
  }
  const parsed = ResultFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : '?';
    throw new UserError(`${path} is not a valid result file: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function parseResultText(text: string, path: string): ResultFile {
  let data: unknown;
  try {
    // A byte-order mark (some Windows editors save one) is not part of the JSON.
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseResultFile(data, path);
}

function readError(e: unknown, path: string): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  const fix = code === 'EISDIR' ? `; give the result files in it (e.g. ${path.replace(/\/+$/, '')}/*.json)` : code === 'ENOENT' ? '; check the path' : '';
  return new UserError(`cannot read ${path}: ${describeFsError(e)}${fix}`);
}

export function readResultFileSync(path: string): ResultFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw readError(e, path);
  }
  return parseResultText(text, path);
}

export async function readResultFile(path: string): Promise<ResultFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw readError(e, path);
  }
  return parseResultText(text, path);
}
