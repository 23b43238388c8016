import { describeFsError, UserError } from '../util/errors.js';
import { writeFileAtomic, writeFileAtomicSync } from '../util/atomic.js';
import type { ResultFile } from './schema.js';

/**
 * Writing result files (no validation needed: we write what we built). Apart
 * from reading (io.ts), so a run that only writes does not load the schema library.
 */

/** The reference writes `json.dump(..., ensure_ascii=False, indent=2)`; JSON.stringify with 2 spaces is the same shape. */
export function serialiseResultFile(file: ResultFile): string {
  return JSON.stringify(file, null, 2);
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
