import type { Command } from '../command.js';
import { rescoreCommand } from './rescore.js';
import { runCommand } from './run.js';
import { leaderboardCommand } from './leaderboard.js';
import { compareCommand } from './compare.js';
import { datasetCommand } from './dataset.js';
import { viewCommand } from './view.js';
import { exportSiteCommand } from './export-site.js';
import { examsCommand } from './exams.js';
import { importCommand } from './import.js';
import { cacheCommand } from './cache.js';

/** Every CLI command, in the order `--help` lists them. Add new commands here. */
export const COMMANDS: readonly Command[] = [
  runCommand,
  rescoreCommand,
  leaderboardCommand,
  compareCommand,
  datasetCommand,
  viewCommand,
  exportSiteCommand,
  examsCommand,
  importCommand,
  cacheCommand,
];
