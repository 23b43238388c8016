import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboardBlocks, replaceMarkerBlocks, updateReadmeBlocks } from '../../src/reports/readme.js';
import { UserError } from '../../src/util/errors.js';

const BEFORE = '# My bench\n\nIntro with <!-- a comment --> and a table:\n\n| a | b |\n|---|---|\n\n## Leaderboard\n\n### All\n\n';
const MIDDLE = '\n\n*Bold = passes.*\n\n### Text-only\n\n';
const AFTER = '\n\n## Quick start\n\n```bash\njmle-bench run\n```\n';
const README =
  BEFORE +
  '<!-- leaderboard-all-start -->\n| old | table |\n<!-- leaderboard-all-end -->' +
  MIDDLE +
  '<!-- leaderboard-text-start -->\nstale text\nmore\n<!-- leaderboard-text-end -->' +
  AFTER;

const TABLES = {
  all: '| Model | Vision | Score | Accuracy |\n|-----|------|-----|--------|\n| X | ✓ | 1/1 (100.0%) | 1/1 (100.0%) |\n',
  text: '| Model | Score | Accuracy |\n|-----|-----|--------|\n',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmle-readme-'));
});
afterAll(() => {
  // restore permissions so cleanup works
  try {
    chmodSync(join(dir, 'ro.md'), 0o644);
  } catch {
    /* not created */
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('replaceMarkerBlocks', () => {
  it('replaces only the text between the markers, keeping everything else byte for byte', () => {
    const out = replaceMarkerBlocks(README, leaderboardBlocks(TABLES));
    expect(out).toBe(
      BEFORE +
        `<!-- leaderboard-all-start -->\n${TABLES.all}<!-- leaderboard-all-end -->` +
        MIDDLE +
        `<!-- leaderboard-text-start -->\n${TABLES.text}<!-- leaderboard-text-end -->` +
        AFTER,
    );
  });

  it('is idempotent', () => {
    const once = replaceMarkerBlocks(README, leaderboardBlocks(TABLES));
    expect(replaceMarkerBlocks(once, leaderboardBlocks(TABLES))).toBe(once);
  });

  it('handles empty blocks; a marker counts only on a line of its own (as the reference\'s "marker\\n")', () => {
    const text = 'a\n<!-- leaderboard-all-start -->\n<!-- leaderboard-all-end -->\n<!-- leaderboard-text-start -->\n  <!-- leaderboard-text-end -->\n';
    const once = replaceMarkerBlocks(text, leaderboardBlocks(TABLES));
    expect(once).toBe(
      `a\n<!-- leaderboard-all-start -->\n${TABLES.all}<!-- leaderboard-all-end -->\n<!-- leaderboard-text-start -->\n${TABLES.text}  <!-- leaderboard-text-end -->\n`,
    );
    expect(replaceMarkerBlocks(once, leaderboardBlocks(TABLES))).toBe(once);
    const sameLine = 'a\n<!-- leaderboard-all-start --><!-- leaderboard-all-end -->\n<!-- leaderboard-text-start -->\n<!-- leaderboard-text-end -->\n';
    expect(() => replaceMarkerBlocks(sameLine, leaderboardBlocks(TABLES))).toThrow(
      /missing markers <!-- leaderboard-all-start -->, <!-- leaderboard-all-end -->/,
    );
  });

  it('markers quoted in prose are not markers: documenting them never gets text replaced', () => {
    const prose =
      'Put the tables between `<!-- leaderboard-all-start -->` and `<!-- leaderboard-all-end -->`, and `<!-- leaderboard-text-start -->` / `<!-- leaderboard-text-end -->`.\n';
    expect(() => replaceMarkerBlocks(prose, leaderboardBlocks(TABLES))).toThrow(UserError);
    const both = prose + '<!-- leaderboard-all-start -->\nold\n<!-- leaderboard-all-end -->\n<!-- leaderboard-text-start -->\n<!-- leaderboard-text-end -->\n';
    const out = replaceMarkerBlocks(both, leaderboardBlocks(TABLES));
    expect(out.startsWith(prose)).toBe(true);
    expect(out).toBe(
      `${prose}<!-- leaderboard-all-start -->\n${TABLES.all}<!-- leaderboard-all-end -->\n<!-- leaderboard-text-start -->\n${TABLES.text}<!-- leaderboard-text-end -->\n`,
    );
  });

  it('names every missing marker', () => {
    const noText = BEFORE + '<!-- leaderboard-all-start -->\n<!-- leaderboard-all-end -->\n';
    expect(() => replaceMarkerBlocks(noText, leaderboardBlocks(TABLES))).toThrow(UserError);
    expect(() => replaceMarkerBlocks(noText, leaderboardBlocks(TABLES))).toThrow(
      /missing markers <!-- leaderboard-text-start -->, <!-- leaderboard-text-end -->/,
    );
    const endOnly = '<!-- leaderboard-all-end -->\n<!-- leaderboard-all-start -->\n' + '<!-- leaderboard-text-start -->\n<!-- leaderboard-text-end -->';
    expect(() => replaceMarkerBlocks(endOnly, leaderboardBlocks(TABLES))).toThrow(/missing marker <!-- leaderboard-all-end --> \(each on a line of its own\);/);
  });
});

describe('updateReadmeBlocks', () => {
  it('writes once, then leaves the file byte-identical and untouched', () => {
    const path = join(dir, 'README.md');
    writeFileSync(path, README);
    chmodSync(path, 0o640);
    expect(updateReadmeBlocks(path, leaderboardBlocks(TABLES)).changed).toBe(true);
    const first = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    expect(statSync(path).mode & 0o777).toBe(0o640); // permissions kept
    expect(updateReadmeBlocks(path, leaderboardBlocks(TABLES)).changed).toBe(false);
    expect(readFileSync(path).equals(first)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('missing markers: error naming them, file unchanged', () => {
    const path = join(dir, 'nomarkers.md');
    writeFileSync(path, '# hi\n');
    expect(() => updateReadmeBlocks(path, leaderboardBlocks(TABLES))).toThrow(/missing markers <!-- leaderboard-all-start -->/);
    expect(readFileSync(path, 'utf8')).toBe('# hi\n');
  });

  it('read-only README (mode 0444): error, file unchanged — also as root', () => {
    const path = join(dir, 'ro.md');
    writeFileSync(path, README);
    chmodSync(path, 0o444);
    expect(() => updateReadmeBlocks(path, leaderboardBlocks(TABLES))).toThrow(/cannot write README .*ro\.md/);
    expect(readFileSync(path, 'utf8')).toBe(README);
    expect(statSync(path).mode & 0o777).toBe(0o444);
  });

  it('README that is a symbolic link: the file it points to is updated, the link stays a link', () => {
    const realDir = join(dir, 'docs');
    mkdirSync(realDir);
    const real = join(realDir, 'README.real.md');
    writeFileSync(real, README);
    const link = join(dir, 'README-link.md');
    symlinkSync(real, link);
    expect(updateReadmeBlocks(link, leaderboardBlocks(TABLES)).changed).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe(replaceMarkerBlocks(README, leaderboardBlocks(TABLES)));
    expect(updateReadmeBlocks(link, leaderboardBlocks(TABLES)).changed).toBe(false);
  });

  it('README with Windows line endings: the new tables use them too, and a rerun changes nothing', () => {
    const path = join(dir, 'crlf.md');
    const crlf = README.replace(/\n/g, '\r\n');
    writeFileSync(path, crlf);
    expect(updateReadmeBlocks(path, leaderboardBlocks(TABLES)).changed).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(replaceMarkerBlocks(README, leaderboardBlocks(TABLES)).replace(/\n/g, '\r\n'));
    expect(updateReadmeBlocks(path, leaderboardBlocks(TABLES)).changed).toBe(false);
  });

  it('README that is a directory, or in a folder that does not exist: one-line error', () => {
    const asDir = join(dir, 'README-dir.md');
    mkdirSync(asDir);
    expect(() => updateReadmeBlocks(asDir, leaderboardBlocks(TABLES))).toThrow(UserError);
    expect(() => updateReadmeBlocks(asDir, leaderboardBlocks(TABLES))).toThrow(/^cannot read README .*EISDIR/);
    expect(statSync(asDir).isDirectory()).toBe(true);
    expect(() => updateReadmeBlocks(join(dir, 'missing', 'README.md'), leaderboardBlocks(TABLES))).toThrow(/cannot read README .*ENOENT/);
  });
});
