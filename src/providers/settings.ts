import type { GenerationSettings } from './types.js';

/**
 * A generation setting that a provider's API cannot take as given (Anthropic
 * has no seed; a thinking budget below its minimum; Gemini's thinking level
 * and budget together). Thrown by a registry entry's `settings` check before
 * anything is sent; the run spec words it as its own setting, the CLI as the flag.
 */
export class SettingProblem extends Error {
  readonly setting: keyof GenerationSettings;
  /** What is wrong, worded to follow the setting's name ("cannot be used with provider anthropic: …"). */
  readonly problem: string;
  constructor(setting: keyof GenerationSettings, problem: string) {
    super(`${setting} ${problem}`);
    this.name = 'SettingProblem';
    this.setting = setting;
    this.problem = problem;
  }
}
