import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync, writeProblem } from '../../src/util/atomic.js';

describe('atomic writes', () => {
  it('replace the file whole and leave no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.json');
    writeFileAtomicSync(f, 'one');
    await writeFileAtomic(f, 'two');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
  it('let work go on while the file is synced: bytes written, not yet in place; a throw there does not stop the write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.json');
    writeFileAtomicSync(f, 'one');
    const seen: string[][] = [];
    await writeFileAtomic(f, 'two', {
      whileSyncing: () => {
        const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
        seen.push([readFileSync(f, 'utf8'), ...temps.map((n) => readFileSync(join(dir, n), 'utf8'))]);
        throw new Error('the caller failed');
      },
    });
    expect(seen).toEqual([['one', 'two']]);
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
  it('produce data given as a function once, before the file is made; a producer that throws leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.json');
    writeFileAtomicSync(f, 'one');
    let calls = 0;
    await writeFileAtomic(f, () => (calls++, 'two'));
    expect(calls).toBe(1);
    expect(readFileSync(f, 'utf8')).toBe('two');
    await expect(
      writeFileAtomic(f, () => {
        throw new Error('cannot serialise');
      }),
    ).rejects.toThrow('cannot serialise');
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
  it('fail on a target that cannot be replaced (a folder), leaving nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.json');
    mkdirSync(f);
    expect(() => writeFileAtomicSync(f, 'one')).toThrow(/EISDIR/);
    await expect(writeFileAtomic(f, 'two')).rejects.toThrow(/EISDIR/);
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readdirSync(f)).toEqual([]);
  });
  it("keep the replaced file's permission bits and write through a symbolic link", () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.md');
    writeFileSync(f, 'one');
    chmodSync(f, 0o640);
    const link = join(dir, 'link.md');
    symlinkSync(f, link);
    writeFileAtomicSync(link, 'two');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(statSync(f).mode & 0o777).toBe(0o640);
  });
  it('sweep the temp file a killed writer left, but not one of a live process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const f = join(dir, 'out.json');
    // pid 2^22+1 is above Linux's largest possible pid_max (2^22), so no live process has it; ours is alive.
    const dead = join(dir, `.out.json.${2 ** 22 + 1}.0123abcd.tmp`);
    const live = join(dir, `.out.json.${process.pid}.89abcdef.tmp`);
    const other = join(dir, `.other.json.${2 ** 22 + 1}.0123abcd.tmp`);
    for (const p of [dead, live, other]) writeFileSync(p, 'partial');
    writeFileAtomicSync(f, 'done');
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });
  it('probe a folder once for several paths in it, and still refuse a read-only file there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-atomic-'));
    const writable = new Set<string>();
    expect(writeProblem(join(dir, 'out.json'), writable)).toBeNull();
    expect([...writable]).toEqual([dir]);
    writeFileSync(join(dir, 'kept.json'), '{}');
    chmodSync(join(dir, 'kept.json'), 0o444);
    chmodSync(dir, 0o555); // the folder turns read-only: a fresh probe sees it, the set vouches for it
    try {
      expect(writeProblem(join(dir, 'out.json.jsonl'))).toBe('read-only folder');
      expect(writeProblem(join(dir, 'out.json.jsonl'), writable)).toBeNull();
      expect(writeProblem(join(dir, 'kept.json'), writable)).toBe('read-only file');
      expect(readdirSync(dir).sort()).toEqual(['kept.json']); // no probe left behind
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
