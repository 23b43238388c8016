import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic.js';
import { ResultFileSchema, type ResultFile } from './schema.js';

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
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseResultFile(data, path);
}

export function readResultFileSync(path: string): ResultFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseResultText(text, path);
}

export async function readResultFile(path: string): Promise<ResultFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseResultText(text, path);
}

/** The reference writes `json.dump(..., ensure_ascii=False, indent=2)`; JSON.stringify with 2 spaces is the same shape. */
export function serialiseResultFile(file: ResultFile): string {
  return JSON.stringify(file, null, 2);
}

export function writeResultFileSync(path: string, file: ResultFile): void {
  writeFileAtomicSync(path, serialiseResultFile(file));
}

export async function writeResultFile(path: string, file: ResultFile): Promise<void> {
  await writeFileAtomic(path, serialiseResultFile(file));
}
