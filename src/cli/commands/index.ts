import type { Command } from '../command.js';
import { rescoreCommand } from './rescore.js';

/** Every CLI command, in the order `--help` lists them. Add new commands here. */
export const COMMANDS: readonly Command[] = [rescoreCommand];
