import type { Command } from '../command.js';

/**
 * Every CLI command, in the order `--help` lists them: its name and one-line
 * summary here, its options, help and code in its own module, loaded only when
 * the command runs (so `jmle-bench --help` or a quick command does not load the
 * chart renderer, the SDKs or the viewer). Add new commands here.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'Evaluate a model on the exam (any OpenAI-compatible API, Anthropic, Gemini, or the offline random baseline)',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'rescore',
    summary: 'Re-extract and rescore result files against the current dataset and rules',
    load: async () => (await import('./rescore.js')).rescoreCommand,
  },
  {
    name: 'leaderboard',
    summary: 'Build the leaderboard tables (and chart) from every result file, rescored',
    load: async () => (await import('./leaderboard.js')).leaderboardCommand,
  },
  {
    name: 'compare',
    summary: 'Compare two runs question by question (paired CI, McNemar exact test)',
    load: async () => (await import('./compare.js')).compareCommand,
  },
  {
    name: 'dataset',
    summary: 'Download and verify exam data (pull), or describe the installed data (info)',
    load: async () => (await import('./dataset.js')).datasetCommand,
  },
  {
    name: 'view',
    summary: 'Browse results in a local web app: leaderboard, per-model and per-question views',
    load: async () => (await import('./view.js')).viewCommand,
  },
  {
    name: 'export-site',
    summary: 'Write the results viewer as static files for any static host (e.g. GitHub Pages)',
    load: async () => (await import('./export-site.js')).exportSiteCommand,
  },
  { name: 'exams', summary: 'List the available exams with question counts and official rules', load: async () => (await import('./exams.js')).examsCommand },
  {
    name: 'import',
    summary: "Import published predictions (IgakuQA's baselines) as result files",
    load: async () => (await import('./import.js')).importCommand,
  },
  {
    name: 'cache',
    summary: 'Show (info) or empty (clear) the response cache that run --cache uses',
    load: async () => (await import('./cache.js')).cacheCommand,
  },
];
