import { responseCachePath, SqliteResponseStore, type CacheInfo } from '../../providers/cache-sqlite.js';
import { UserError } from '../../util/errors.js';
import { flag, str, writeLine, type Command, type Io, type Parsed } from '../command.js';

const HELP = `Usage: jmle-bench cache info [--json]
       jmle-bench cache clear [--model MODEL]

The response cache that \`jmle-bench run --cache\` reads and fills: one SQLite
file ($JMLE_RESPONSE_CACHE, else responses.sqlite in the cache folder:
$JMLE_CACHE_DIR, else ~/.cache/jmle-bench). An answer is found again for the
same provider, base URL, model, generation settings, extra body, messages and
epoch; errors are never stored, nor the API key. Several runs may share it at once.

info    where it is, how many answers it holds and its size, per model
clear   remove every answer, or only --model MODEL's

Options:
  --model MODEL   clear: only this model's answers (as given to run --model)
  --json          info: machine-readable output

Examples:
  jmle-bench cache info
  jmle-bench cache clear --model gpt-5.2
  jmle-bench cache clear`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function infoText(info: CacheInfo): string[] {
  const lines = [`  path:     ${info.path}`, `  entries:  ${info.entries}`, `  size:     ${megabytes(info.bytes)}`];
  if (info.byModel.length > 0) {
    lines.push('  by model:');
    const width = Math.max(...info.byModel.map((m) => String(m.entries).length));
    for (const m of info.byModel) lines.push(`    ${String(m.entries).padStart(width)}  ${m.model} (${m.provider})`);
  }
  return lines;
}

async function executeCache(args: Parsed, io: Io): Promise<number> {
  const [action, ...extra] = args.positionals;
  if (action !== 'info' && action !== 'clear') throw new UserError('cache: say info or clear, e.g. `jmle-bench cache info` (see `jmle-bench cache --help`)');
  if (extra.length > 0) throw new UserError(`cache ${action}: unexpected "${extra.join(' ')}" (see \`jmle-bench cache --help\`)`);
  const model = str(args, 'model');
  if (action === 'info' && model !== undefined) throw new UserError('cache info: --model is for clear; info lists every model');
  const path = responseCachePath(io.env);
  const store = await SqliteResponseStore.open(path, { create: false });
  if (!store) {
    if (action === 'info' && flag(args, 'json')) writeLine(io.stdout, JSON.stringify({ path, entries: 0, bytes: 0, byModel: [] }, null, 2));
    else writeLine(io.stdout, `  no response cache yet at ${path} (\`jmle-bench run --cache\` makes it)`);
    return 0;
  }
  try {
    if (action === 'info') {
      const info = store.info();
      writeLine(io.stdout, flag(args, 'json') ? JSON.stringify(info, null, 2) : infoText(info).join('\n'));
    } else {
      const removed = store.clear(model);
      writeLine(io.stdout, `  removed ${removed} answer(s)${model !== undefined ? ` of ${model}` : ''} from ${path}`);
    }
  } finally {
    store.close();
  }
  return 0;
}

export const cacheCommand: Command = {
  name: 'cache',
  help: HELP,
  options: { model: { type: 'string' }, json: { type: 'boolean' } },
  positionals: true,
  run: executeCache,
};
