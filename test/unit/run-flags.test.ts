import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/command.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { asFlagError, resumeCommand, specInputFromFlags } from '../../src/cli/run-flags.js';
import { resolveRunSpec, RUN_DEFAULTS, SettingError } from '../../src/runner/spec.js';
import { fixtureExam } from '../fixtures/exam.js';

const exam = fixtureExam();

/** `run`'s flags → a resolved spec, or the one-line error the CLI prints. */
function specFor(argv: string[]) {
  try {
    return resolveRunSpec(specInputFromFlags(parseCommandArgs(runCommand, argv), exam, null, 'o.json', '/tmp'));
  } catch (e) {
    throw asFlagError(e);
  }
}

describe('run flags become a spec; bad values are one line naming the flag', () => {
  it('the defaults live in one place', () => {
    const s = specFor(['--model', 'm']);
    expect(s.schedule).toEqual({
      parallel: RUN_DEFAULTS.parallel,
      maxParallel: RUN_DEFAULTS.maxParallel,
      rpm: null,
      maxRetries: RUN_DEFAULTS.maxRetries,
      timeoutS: RUN_DEFAULTS.timeoutS,
      cache: false,
    });
    expect(s.task).toMatchObject({ imageMode: RUN_DEFAULTS.imageMode, epochs: 1, blocks: null, questionIds: null });
    expect(s.model).toMatchObject({ provider: 'openai', baseUrl: null });
    expect(specFor(['--model', 'random']).model).toMatchObject({ provider: 'random', displayName: 'Random (chance level)', settings: { seed: 0 } });
  });

  it.each([
    [['--parallel', '-1'], '--parallel must be at least 1, got -1'],
    [['--parallel', '0'], '--parallel must be at least 1, got 0'],
    [['--rpm', '0'], '--rpm must be at least 1, got 0'],
    [['--epochs', '0'], '--epochs must be at least 1, got 0'],
    [['--epochs', '2.5'], '--epochs must be a whole number, got "2.5"'],
    [['--timeout', '2147484'], '--timeout must be at most 2147483 seconds (24.8 days, the longest timer Node.js keeps), got 2147484'],
    [['--timeout', '-3'], '--timeout must be a positive number of seconds, got -3'],
    [['--max-tokens', '0'], '--max-tokens must be at least 1, got 0'],
    [['--price-in', '-1'], '--price-in must be a number of at least 0, got -1'],
    [['--image-mode', 'eyes'], '--image-mode must be one of skip, blind, vision; got "eyes"'],
    [['--base-url', 'ftp://x'], '--base-url must be an http(s) URL; got "ftp://x"'],
    [['--blocks', 'A,Z'], '--blocks: unknown block "Z"; exam T has blocks A, B'],
    [['--parallel', 'many'], '--parallel must be a whole number or auto, got "many"'],
    [['--parallel', 'auto', '--max-parallel', '0'], '--max-parallel must be at least 1, got 0'],
  ])('%j → %s', (flags, message) => {
    expect(() => specFor(['--model', 'm', ...flags])).toThrow(message);
  });

  it('library errors name the setting, not a flag', () => {
    expect(() => resolveRunSpec({ task: { exam }, model: { model: 'm' }, schedule: { parallel: 0 }, output: { out: 'o.json' } })).toThrow(
      new SettingError('schedule.parallel', 'must be at least 1, got 0'),
    );
  });

  it('the resume command repeats every setting that is not a default, and never the key', () => {
    const s = specFor(['--model', 'm', '--api-key', 'sk-secret', '--epochs', '3', '--parallel', '4', '--blocks', 'B', '--reasoning-effort', 'high']);
    expect(resumeCommand(s, 'https://api.openai.com/v1', 'https://api.openai.com/v1', undefined, undefined)).toBe(
      'jmle-bench run --model m --epochs 3 --reasoning-effort high --blocks B --parallel 4 --resume o.json',
    );
  });

  it('--parallel auto with --max-parallel, and --cache, reach the spec and the resume command', () => {
    const s = specFor(['--model', 'm', '--parallel', 'AUTO', '--max-parallel', '20', '--cache']);
    expect(s.schedule).toMatchObject({ parallel: 'auto', maxParallel: 20, cache: true });
    expect(resumeCommand(s, null, null, undefined, undefined)).toBe('jmle-bench run --model m --parallel auto --max-parallel 20 --cache --resume o.json');
    // The default cap is not repeated.
    expect(resumeCommand(specFor(['--model', 'm', '--parallel', 'auto']), null, null, undefined, undefined)).toBe(
      'jmle-bench run --model m --parallel auto --resume o.json',
    );
  });
});
