import type { Command } from '../command.js';
import { rescoreCommand } from './rescore.js';
import { leaderboardCommand } from './leaderboard.js';
import { compareCommand } from './compare.js';

/** Every CLI command, in the order `--help` lists them. Add new commands here. */
export const COMMANDS: readonly Command[] = [rescoreCommand, leaderboardCommand, compareCommand];
