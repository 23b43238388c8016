/**
 * A failure the user can fix: printed as one line (no stack trace) and the
 * process exits with `exitCode` (2 for bad input, as documented).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** The data on disk is not what it should be: names the file/question and the field. */
export class DatasetError extends UserError {
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super(message, 2);
    this.name = 'DatasetError';
    this.problems = problems;
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** A file-system error in words, for one-line messages: "permission denied (EACCES)". */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code) return FS_REASONS[code] ? `${FS_REASONS[code]} (${code})` : code;
  return e instanceof Error ? e.message : String(e);
}
