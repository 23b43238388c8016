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
      batch: false,
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
    [['--provider', 'random', '--batch'], '--batch is not available for provider random: it has no batch API'],
    [['--provider', 'anthropic', '--seed', '1'], '--seed cannot be used with provider anthropic: the Messages API takes no seed'],
    [['--provider', 'anthropic', '--thinking-budget', '500'], '--thinking-budget must be 0 (no thinking) or at least 1024 for provider anthropic, got 500'],
    [
      ['--provider', 'anthropic', '--thinking-budget', '4000', '--max-tokens', '4000'],
      '--max-tokens must be greater than the thinking budget (4000) for provider anthropic: thinking counts toward it',
    ],
    [
      ['--provider', 'anthropic', '--reasoning-effort', 'extreme'],
      '--reasoning-effort must be one of low, medium, high, xhigh, max for provider anthropic, got "extreme"',
    ],
    [
      ['--provider', 'gemini', '--reasoning-effort', 'xhigh'],
      '--reasoning-effort must be one of minimal, low, medium, high for provider gemini (its thinking level), got "xhigh"',
    ],
    [
      ['--provider', 'gemini', '--reasoning-effort', 'low', '--thinking-budget', '1024'],
      '--reasoning-effort cannot go with a thinking budget for provider gemini: the API takes a thinking level or a thinking budget, not both',
    ],
    [
      ['--provider', 'gemini', '--batch', '--extra-body', '{"generationConfig":{"temperature":0}}'],
      "--extra-body cannot be used in batch mode for provider gemini: the SDK's inlined batch requests carry no extra body",
    ],
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

  it("a provider's own defaults are filled in when the run is declared, so the metadata records what is sent", () => {
    expect(specFor(['--model', 'c', '--provider', 'anthropic']).model.settings.maxTokens).toBe(16_000);
    expect(specFor(['--model', 'c', '--provider', 'anthropic', '--thinking-budget', '10000']).model.settings).toMatchObject({
      maxTokens: 18_000,
      thinkingBudget: 10_000,
    });
    expect(specFor(['--model', 'c', '--provider', 'anthropic', '--max-tokens', '3000']).model.settings.maxTokens).toBe(3000);
    expect(specFor(['--model', 'g', '--provider', 'gemini']).model.settings.maxTokens).toBeNull();
    expect(specFor(['--model', 'g', '--provider', 'gemini', '--batch']).schedule.batch).toBe(true);
  });

  it('the resume command repeats every setting that is not a default, and never the key', () => {
    const s = specFor(['--model', 'm', '--api-key', 'sk-secret', '--epochs', '3', '--parallel', '4', '--blocks', 'B', '--reasoning-effort', 'high']);
    expect(resumeCommand(s, 'https://api.openai.com/v1', 'https://api.openai.com/v1', undefined, undefined)).toBe(
      'jmle-bench run --model m --epochs 3 --reasoning-effort high --blocks B --parallel 4 --resume o.json',
    );
    const b = specFor(['--model', 'claude', '--provider', 'anthropic', '--batch', '--thinking-budget', '2048', '--image-mode', 'vision']);
    expect(resumeCommand(b, 'https://api.anthropic.com/', 'https://api.anthropic.com', undefined, undefined)).toBe(
      'jmle-bench run --model claude --provider anthropic --image-mode vision --max-tokens 10048 --thinking-budget 2048 --batch --resume o.json',
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
