import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

/** A finished command exits once its output is written, whatever else is still open in the process. */

// A handle that would keep the event loop alive for ever: the CLI must not wait for it.
const KEEP_ALIVE = 'data:text/javascript,setInterval(() => {}, 1000)';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', KEEP_ALIVE, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, JMLE_DATA_DIR: DATA_ROOT },
    timeout: 20_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('a finished command exits at once', () => {
  it('with its exit code and its whole output, even with a handle still open', () => {
    const json = cli(['leaderboard', '--results', RESULTS_DIR, '--format', 'json']);
    expect(json.signal).toBeNull();
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    // Large output through a pipe arrives whole before the exit.
    expect(json.stdout.length).toBeGreaterThan(10_000);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();

    const bad = cli(['leaderboard', '--results', '/nonexistent/folder']);
    expect(bad.signal).toBeNull();
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^jmle-bench: /);
  });
});

describe('the CLI runs as the program however it is reached', () => {
  it('by its path, a relative path, or a symbolic link to it (as npm installs its bin)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-bin-'));
    try {
      const link = join(dir, 'jmle-bench');
      symlinkSync(CLI, link);
      for (const [script, cwd] of [
        [CLI, process.cwd()],
        [relative(dir, CLI), dir],
        [link, process.cwd()],
      ] as const) {
        const r = spawnSync(process.execPath, [script, '--version'], { encoding: 'utf8', cwd });
        expect(r.status, script).toBe(0);
        expect(r.stdout, script).toMatch(/^\d+\.\d+\.\d+\n$/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the program keeps a compile cache', () => {
  it('writes it on the first run of a command, uses it after, and never depends on it', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'jmle-cc-cli-'));
    try {
      const version = (env: NodeJS.ProcessEnv = {}) =>
        spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, JMLE_CACHE_DIR: cacheDir, ...env } });
      const files = () => {
        const root = join(cacheDir, 'compile');
        return readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => join(d.parentPath, d.name));
      };

      expect(version({ NODE_DISABLE_COMPILE_CACHE: '1' }).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      expect(readdirSync(cacheDir)).toEqual([]);

      expect(version().stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      const written = files();
      // The app's entry and its core chunk, for the command that ran (`--version` is no command: `help`).
      expect(written.map((f) => f.replace(/.*\//, '').replace(/-[\w-]{8}\./, '-#.')).sort()).toEqual(
        expect.arrayContaining(['core-#.cjs.help.cache', 'main-#.cjs.help.cache']),
      );
      const stamps = written.map((f) => statSync(f).mtimeMs);

      // Used, not written again.
      expect(version().stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      expect(written.map((f) => statSync(f).mtimeMs)).toEqual(stamps);

      // A first word that is no command (a typo) leaves no cache of its own.
      const typo = spawnSync(process.execPath, [CLI, 'leaderbord'], { encoding: 'utf8', env: { ...process.env, JMLE_CACHE_DIR: cacheDir } });
      expect(typo.status).toBe(2);
      expect(files().filter((f) => f.includes('leaderbord'))).toEqual([]);

      // A cache that is no code cache is compiled past and replaced.
      for (const f of written) writeFileSync(f, 'garbage');
      expect(version().stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      for (const f of written) expect(readFileSync(f, 'latin1')).not.toBe('garbage');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('the program keeps the 120th prepared', () => {
  it('prepares it on the first run, reads it back after (same exam, same dataset_version), and prepares again what is not right', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'jmle-prepared-cli-'));
    const work = mkdtempSync(join(tmpdir(), 'jmle-prepared-run-'));
    try {
      const run = (out: string) => {
        const r = spawnSync(process.execPath, [CLI, 'run', '--model', 'random', '--out', out, '--no-progress', '--no-readme', '--data-dir', DATA_ROOT], {
          encoding: 'utf8',
          cwd: work,
          env: { ...process.env, JMLE_CACHE_DIR: cacheDir },
        });
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.status).toBe(0);
        const f = JSON.parse(readFileSync(join(work, out), 'utf8')) as { metadata: Record<string, unknown>; results: Record<string, unknown>[] };
        return { ...f, results: f.results.map(({ latency_ms: _, ...r }) => r) }; // all but the timing
      };
      const prepared = () => readdirSync(join(cacheDir, 'prepared')).map((n) => join(cacheDir, 'prepared', n));
      const first = run('a.json');
      const [file] = prepared();
      expect(prepared().map((f) => relative(cacheDir, f))).toEqual([expect.stringMatching(/^prepared\/jmle2026-[0-9a-f]{16}\.prepared$/)]);
      const stamp = statSync(file as string).mtimeMs;
      const second = run('b.json');
      expect(statSync(file as string).mtimeMs).toBe(stamp); // read, not written again
      expect(second.metadata['dataset_version']).toBe(first.metadata['dataset_version']);
      expect(second.results).toEqual(first.results); // the random baseline is seeded: same exam, same answers
      writeFileSync(file as string, 'garbage');
      expect(run('c.json').results).toEqual(first.results);
      expect(readFileSync(file as string, 'latin1')).not.toBe('garbage');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
