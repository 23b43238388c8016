import { datasetInfo, formatInfo } from '../../dataset/info.js';
import { pullDataset, type PullResult } from '../../dataset/pull.js';
import { PullProgress } from '../progress/pull.js';
import { UserError } from '../../util/errors.js';
import { redact } from '../../util/redact.js';
import { DATA_OPTIONS, flag, str, writeLine, type Command, type Io, type Parsed } from '../command.js';

const HELP = `Usage: jmle-bench dataset pull [--exam ID | --source NAME | --all] [--with-results] [--no-images]
                               [--ref REF] [--from BASE_URL] [--data-dir DIR] [--quiet]
       jmle-bench dataset info [--exam ID] [--data-dir DIR] [--json]

pull   Downloads an exam's data from its upstream repository at the commit pinned
       in manifests/<source>.json, checks every file's size and checksum, and
       installs it atomically into the cache ($JMLE_CACHE_DIR, else
       ~/.cache/jmle-bench), laid out as <root>/<source>/… . Files already present
       and correct are skipped, so an interrupted pull (Ctrl-C, a dropped
       connection) continues when rerun. With --ref other than the pinned
       commit, files are accepted as served and their sha256 recorded as a new
       dataset version in <root>/<source>/.jmle-manifest.json. When the host
       cannot be reached at all, it stops after the first request.
info   Shows where the data was found (--data-dir, then $JMLE_DATA_DIR, then the
       cache), the upstream source, the dataset version (sha256 of the dataset
       file) and whether it matches the pinned manifest, each part's files
       (data, images, published results) and the pull that fetches a missing
       one, question counts by block, type, image and answers to select, and
       dataset issues such as missing images.

Options:
  --exam ID         exam edition (default 120); pulls the source that holds it
  --source NAME     pull a source by name: jmle2026, igakuqa (112–116), igakuqa119
  --all             pull every source
  --with-results    also the published model outputs: the 120th's result files
                    (jmle2026/results/) and IgakuQA's baseline predictions
                    (igakuqa/baseline_results/), to rank against the published
                    leaderboard; the integration tests read them too
  --no-images       leave out the clinical images (needed only for
                    --image-mode vision; the 119th's are 126 MB)
  --ref REF         upstream branch, tag or commit (default: the pinned commit)
  --from BASE_URL   fetch <BASE_URL>/<path> instead of
                    https://raw.githubusercontent.com/<repo>/<ref>/<path> (a mirror)
  --data-dir DIR    pull: install into this data root instead of the cache;
                    info: read this data root
  --quiet           pull: no progress output
  --json            info: machine-readable output

Examples:
  jmle-bench dataset pull
  jmle-bench dataset pull --exam 119
  jmle-bench dataset pull --all --with-results   # everything, as \`npm test\` needs
  jmle-bench dataset pull --ref main      # a newer upstream version, recorded by checksum
  jmle-bench dataset info
  jmle-bench dataset info --exam 120 --json`;

function rerunHint(args: Parsed): string {
  const parts = ['jmle-bench dataset pull'];
  for (const name of ['exam', 'source', 'ref', 'from', 'data-dir']) {
    const v = str(args, name);
    if (v !== undefined) parts.push(`--${name} ${/\s/.test(v) ? JSON.stringify(v) : v}`);
  }
  for (const name of ['all', 'with-results', 'no-images']) if (flag(args, name)) parts.push(`--${name}`);
  return parts.join(' ');
}

function summaryLine(r: PullResult): string {
  const got = r.downloaded + r.skipped;
  const detail = `${r.downloaded} downloaded, ${r.skipped} already present`;
  const head = r.complete
    ? `${r.source}: ${r.total}/${r.total} files ${r.pinned ? 'verified' : 'installed'} (${detail}) in ${r.dir}`
    : `${r.source}: ${got}/${r.total} files installed (${detail}), ${r.failed.length} failed`;
  const ref = r.pinned ? '' : `; ref ${r.ref} recorded as a new version in ${r.dir}/.jmle-manifest.json`;
  const version = r.version ? `; version sha256:${r.version}` : '';
  const left = r.leftOut.map((p) => (p === 'results' ? '; published results not pulled (--with-results)' : '; images not pulled (--no-images)')).join('');
  return head + version + ref + left;
}

async function pull(args: Parsed, io: Io): Promise<number> {
  const from = str(args, 'from');
  if (from !== undefined && !/^https?:\/\/[^\s]+$/.test(from)) throw new UserError(`--from must be an http(s) base URL, got "${from}"`);
  // A mirror serves one source's files under their upstream paths; several sources would collide (LICENSE, README.md…).
  if (from !== undefined && flag(args, 'all'))
    throw new UserError('--from serves one source: pull each with --exam ID (or --source NAME) and its own --from, not --all');
  const ref = str(args, 'ref');
  if (ref !== undefined && !/^[\w][\w./-]*$/.test(ref)) throw new UserError(`--ref must be a branch, tag or commit id, got "${ref}"`);
  if (flag(args, 'json')) throw new UserError('dataset pull: --json applies to `dataset info`');

  const mode = flag(args, 'quiet') ? 'quiet' : io.stderr.isTTY ? 'tty' : 'plain';
  // Every outgoing line goes through redact, as writeLine does.
  const progress = new PullProgress({ write: (t: string) => io.stderr.write(redact(t)) }, mode);
  const ac = new AbortController();
  let sigints = 0;
  const onSigint = () => {
    if (++sigints > 1) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  let results: PullResult[];
  try {
    results = await pullDataset({
      ...(str(args, 'exam') !== undefined ? { exam: str(args, 'exam') } : {}),
      ...(str(args, 'source') !== undefined ? { source: str(args, 'source') } : {}),
      all: flag(args, 'all'),
      ...(ref !== undefined ? { ref } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(str(args, 'data-dir') !== undefined ? { dataDir: str(args, 'data-dir') } : {}),
      parts: { images: !flag(args, 'no-images'), results: flag(args, 'with-results') },
      env: io.env,
      signal: ac.signal,
      onEvent: progress.handle,
    });
  } finally {
    process.off('SIGINT', onSigint);
    progress.clear();
  }

  const unreachable = results.find((r) => r.unreachable)?.unreachable;
  const reached = results.filter((r) => !r.unreachable);
  if (!flag(args, 'quiet') || !reached.every((r) => r.complete)) {
    for (const r of reached) writeLine(io.stdout, summaryLine(r));
  }
  if (unreachable) {
    // Offline, or a wrong --from: one line, not a retry per file; and the way to work without a pull.
    writeLine(
      io.stderr,
      `jmle-bench: ${unreachable.message}; the pull stopped. Check the network${from !== undefined ? ' and --from' : ''} and rerun \`${rerunHint(args)}\`, ` +
        'or use a local copy of the data instead: give commands --data-dir DIR or set JMLE_DATA_DIR=DIR',
    );
    return 1;
  }
  const interrupted = results.some((r) => r.interrupted);
  if (interrupted) {
    const done = results.reduce((s, r) => s + r.downloaded + r.skipped, 0);
    writeLine(io.stderr, `jmle-bench: interrupted after ${done} verified file(s); no partial file was left. Rerun \`${rerunHint(args)}\` to continue`);
    return 130;
  }
  const failed = results.flatMap((r) => r.failed);
  for (const r of results) if (r.gaveUp) writeLine(io.stderr, `jmle-bench: ${r.source}: stopped early: ${r.gaveUp}`);
  if (failed.length) {
    const checksum = failed.filter((f) => f.kind === 'checksum').length;
    const why = checksum ? `${checksum} checksum mismatch(es): the server did not send the pinned bytes` : 'download errors';
    writeLine(
      io.stderr,
      `jmle-bench: ${failed.length} file(s) not installed (${why}); verified files were kept. Rerun \`${rerunHint(args)}\` to fetch the rest`,
    );
    return 1;
  }
  if (mode !== 'quiet') {
    const bytes = results.reduce((s, r) => s + r.downloaded, 0);
    if (bytes === 0) writeLine(io.stdout, 'everything was already in place; nothing downloaded');
  }
  return 0;
}

async function info(args: Parsed, io: Io): Promise<number> {
  for (const bad of ['source', 'all', 'ref', 'from', 'quiet', 'with-results', 'no-images']) {
    if (args.values[bad] !== undefined) throw new UserError(`dataset info: --${bad} applies to \`dataset pull\``);
  }
  const i = await datasetInfo({
    ...(str(args, 'exam') !== undefined ? { exam: str(args, 'exam') } : {}),
    ...(str(args, 'data-dir') !== undefined ? { dataDir: str(args, 'data-dir') } : {}),
    env: io.env,
  });
  writeLine(io.stdout, flag(args, 'json') ? JSON.stringify(i, null, 2) : formatInfo(i));
  return 0;
}

export const datasetCommand: Command = {
  name: 'dataset',
  help: HELP,
  options: {
    ...DATA_OPTIONS,
    source: { type: 'string' },
    all: { type: 'boolean' },
    ref: { type: 'string' },
    from: { type: 'string' },
    'with-results': { type: 'boolean' },
    'no-images': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  },
  positionals: true,
  async run(args, io) {
    const [sub, ...extra] = args.positionals;
    if (extra.length) throw new UserError(`dataset: unexpected argument "${extra[0]}" (see \`jmle-bench dataset --help\`)`);
    if (sub === 'pull') return pull(args, io);
    if (sub === 'info') return info(args, io);
    throw new UserError(
      sub ? `dataset: unknown subcommand "${sub}"; use \`dataset pull\` or \`dataset info\`` : 'dataset: give a subcommand: `dataset pull` or `dataset info`',
    );
  },
};
