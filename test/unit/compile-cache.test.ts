import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFolder, openBundle, STALE_AFTER_MS, type Bundle } from '../../src/cli/compile-cache.js';

/**
 * The CLI's loader with a code cache. Each "process" below loads a fresh copy
 * of the same files from a folder of its own: V8 keeps what it compiled in
 * memory by file name, and a new name makes it read the cache file again, as
 * a new process does.
 */

let dir: string;
let copies = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-cc-'));
  copies = 0;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A small bundle: an entry with a shebang, a chunk it requires, a cycle back to the entry, a built-in. */
function writeBundle(token: string): string {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'chunks'), { recursive: true });
  writeFileSync(
    join(src, 'main-abc.cjs'),
    [
      '#!/usr/bin/env node',
      `// ${token}`,
      'exports.early = "entry";',
      'const core = require("./chunks/core-def.cjs");',
      'const path = require("node:path");',
      'exports.answer = core.double(21);',
      'exports.base = path.basename(__filename);',
      'exports.dir = path.basename(__dirname);',
      'exports.sawEntry = core.sawEntry;',
      'exports.where = () => new Error("here").stack;',
    ].join('\n'),
  );
  writeFileSync(
    join(src, 'chunks', 'core-def.cjs'),
    [`// ${token}`, 'const entry = require("../main-abc.cjs");', 'exports.sawEntry = entry.early;', 'exports.double = (x) => x * 2;'].join('\n'),
  );
  return src;
}

/** A fresh copy of the bundle, as a new process would load it: the entry's path. */
function copy(src: string): string {
  const to = join(dir, `copy${++copies}`);
  cpSync(src, to, { recursive: true });
  return join(to, 'main-abc.cjs');
}

interface Entry {
  answer: number;
  base: string;
  dir: string;
  sawEntry: string;
  where: () => string;
}

/** A new process: a bundle over `cacheDir` that has loaded a fresh copy of `src` (and run it right). */
function newProcess(src: string, cacheDir: string | null, tag = 'run'): Bundle {
  const bundle = openBundle({ cacheDir, tag });
  expect((bundle.load(copy(src)) as Entry).answer).toBe(42);
  return bundle;
}

describe('the CLI loads its bundle with a code cache', () => {
  it('runs a bundle: relative requires among its files (a cycle included), built-ins, __filename and __dirname', () => {
    const entry = copy(writeBundle('a'));
    const bundle = openBundle({ cacheDir: null, tag: 'run' });
    const m = bundle.load(entry) as Entry;
    expect(m).toMatchObject({ answer: 42, base: 'main-abc.cjs', dir: 'copy1', sawEntry: 'entry' });
    // The shebang became a comment and the wrapper adds no line: errors point at the right line.
    expect(m.where()).toContain(`${entry}:10:`);
    // Loaded once.
    expect(bundle.load(entry)).toBe(m);
  });

  it('writes the cache of what had none, and the next process compiles nothing', () => {
    const src = writeBundle('b');
    const cache = join(dir, 'cache');
    const first = newProcess(src, cache);
    expect([...first.compiled.values()]).toEqual(['compiled', 'compiled']);
    expect(readdirSync(dir)).not.toContain('cache'); // nothing before save()
    expect(first.save()).toBe(2);
    expect(first.save()).toBe(0);
    expect(readdirSync(cacheFolder(cache)).sort()).toEqual(['core-def.cjs.run.cache', 'main-abc.cjs.run.cache']);

    const second = newProcess(src, cache);
    expect([...second.compiled.values()]).toEqual(['cached', 'cached']);
    expect(second.save()).toBe(0);

    // Another command keeps a cache of its own.
    const other = newProcess(src, cache, 'leaderboard');
    expect([...other.compiled.values()]).toEqual(['compiled', 'compiled']);
    expect(other.save()).toBe(2);
  });

  it("removes an earlier version's cache files when it saves, and keeps recent ones", () => {
    const src = writeBundle('f');
    const cache = join(dir, 'cache');
    const folder = cacheFolder(cache);
    mkdirSync(folder, { recursive: true });
    const old = join(folder, 'core-0ld0ld00.cjs.run.cache');
    const recent = join(folder, 'core-n3wn3wn3.cjs.help.cache');
    const leftOver = join(folder, 'core-0ld0ld00.cjs.run.cache.4242.tmp');
    const notOurs = join(folder, 'notes.txt');
    for (const f of [old, recent, leftOver, notOurs]) writeFileSync(f, 'x');
    const longAgo = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
    for (const f of [old, leftOver, notOurs]) utimesSync(f, longAgo, longAgo);
    const bundle = newProcess(src, cache);
    expect(bundle.save()).toBe(2);
    expect(readdirSync(folder).sort()).toEqual(['core-def.cjs.run.cache', 'core-n3wn3wn3.cjs.help.cache', 'main-abc.cjs.run.cache', 'notes.txt']);
  });

  it('compiles as usual past a cache V8 refuses, and replaces it', () => {
    const src = writeBundle('c');
    const cache = join(dir, 'cache');
    const first = newProcess(src, cache);
    first.save();
    const file = join(cacheFolder(cache), 'main-abc.cjs.run.cache');
    writeFileSync(file, 'not a code cache');

    const second = newProcess(src, cache);
    expect(second.compiled.get(join(dir, 'copy2', 'main-abc.cjs'))).toBe('compiled');
    expect(second.compiled.get(join(dir, 'copy2', 'chunks', 'core-def.cjs'))).toBe('cached');
    expect(second.save()).toBe(1);
    expect(readFileSync(file).toString()).not.toBe('not a code cache');

    const third = newProcess(src, cache);
    expect([...third.compiled.values()]).toEqual(['cached', 'cached']);
  });

  it('never fails a command over its cache: a folder that cannot be made, or no cache at all', () => {
    const src = writeBundle('d');
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    const blocked = newProcess(src, join(blocker, 'cache'));
    expect(blocked.save()).toBe(0);
    expect(statSync(blocker).isFile()).toBe(true);

    const off = newProcess(src, null);
    expect(off.save()).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['copy1', 'copy2', 'file', 'src']);
  });

  it('leaves no temporary file behind when a cache cannot be put in place', () => {
    const src = writeBundle('e');
    const cache = join(dir, 'cache');
    // A folder where the entry's cache file goes: the rename onto it fails (even for root).
    mkdirSync(join(cacheFolder(cache), 'main-abc.cjs.run.cache', 'x'), { recursive: true });
    const bundle = newProcess(src, cache);
    expect(bundle.save()).toBe(1);
    expect(readdirSync(cacheFolder(cache)).sort()).toEqual(['core-def.cjs.run.cache', 'main-abc.cjs.run.cache']);
  });
});
