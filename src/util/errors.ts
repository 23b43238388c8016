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
