import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upsertReadmeRun, type ReadmeRun } from '../../src/reports/readme.js';

/** A README like the reference repository's: 22 rows in each table, prose around them. */
function readme(): string {
  const all = Array.from({ length: 22 }, (_, i) => {
    const score = 493 - i * 5;
    const name = i < 18 ? `**Model ${i}**` : `Model ${i}`;
    return `| ${name} | ${i % 3 === 0 ? '✓' : '-'} | ${score}/500 (${((score / 500) * 100).toFixed(1)}%) | ${393 - i * 4}/400 (${(((393 - i * 4) / 400) * 100).toFixed(1)}%) |`;
  });
  const text = Array.from({ length: 22 }, (_, i) => {
    const score = 379 - i * 4;
    return `| Model ${i} | ${score}/382 (${((score / 382) * 100).toFixed(1)}%) | ${299 - i * 3}/302 (${(((299 - i * 3) / 302) * 100).toFixed(1)}%) |`;
  });
  return [
    '# JMLE-Bench',
    '',
    '## Leaderboard',
    '',
    '<!-- leaderboard-all-start -->',
    '| Model | Vision | Score | Accuracy |',
    '|-----|------|-----|--------|',
    ...all,
    '<!-- leaderboard-all-end -->',
    '',
    '<!-- leaderboard-text-start -->',
    '| Model | Score | Accuracy |',
    '|-----|-----|--------|',
    ...text,
    '<!-- leaderboard-text-end -->',
    '',
    '## Usage',
    '',
  ].join('\n');
}

function run(name: string, score: number, correct: number, imageMode: ReadmeRun['imageMode'] = 'blind', pass = false): ReadmeRun {
  return {
    name,
    imageMode,
    summary: {
      score,
      score_max: 500,
      score_pct: Math.round((score / 500) * 1e4) / 1e4,
      correct,
      incorrect: 400 - correct,
      accuracy: Math.round((correct / 400) * 1e4) / 1e4,
      text_only_score: score - 100,
      text_only_score_max: 382,
      text_only_score_pct: Math.round(((score - 100) / 382) * 1e4) / 1e4,
      by_image: { text_only: { correct: correct - 80, total: 302, accuracy: Math.round(((correct - 80) / 302) * 1e4) / 1e4 } },
      required_pass: pass,
      general_pass: pass,
    },
  };
}

/** The row's name, bold removed. */
const nameOf = (row: string) => (row.split('|')[1] ?? '').trim().replace(/^\*\*(.*)\*\*$/, '$1');

const rows = (text: string, marker: 'all' | 'text') => {
  const block = text.split(`<!-- leaderboard-${marker}-start -->\n`)[1]?.split(`<!-- leaderboard-${marker}-end -->`)[0] ?? '';
  return block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Model |'));
};

describe('a run adds or replaces its own README row, as the reference does', () => {
  it("adds one row to each table and keeps every other row (the audit's wiped README)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-upsert-'));
    const path = join(dir, 'README.md');
    const before = readme();
    writeFileSync(path, before);
    expect(upsertReadmeRun(path, run('Random (chance level)', 92, 80))).toBe(true);
    const after = readFileSync(path, 'utf8');
    expect(rows(after, 'all')).toHaveLength(23);
    expect(rows(after, 'text')).toHaveLength(23);
    for (const row of [...rows(before, 'all'), ...rows(before, 'text')]) expect(after).toContain(row);
    expect(rows(after, 'all').at(-1)).toBe('| Random (chance level) | - | 92/500 (18.4%) | 80/400 (20.0%) |');
    expect(after.startsWith('# JMLE-Bench\n\n## Leaderboard\n\n')).toBe(true);
    expect(after.endsWith('<!-- leaderboard-text-end -->\n\n## Usage\n')).toBe(true);
  });

  it('replaces the row of the same name (and vision mark), sorted by score; bold on the reference rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-upsert-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, readme());
    upsertReadmeRun(path, run('Model 5', 480, 380, 'blind', true));
    const all = rows(readFileSync(path, 'utf8'), 'all');
    expect(all).toHaveLength(22);
    expect(all.filter((r) => nameOf(r) === 'Model 5')).toEqual(['| **Model 5** | - | 480/500 (96.0%) | 380/400 (95.0%) |']);
    expect(all.indexOf('| **Model 5** | - | 480/500 (96.0%) | 380/400 (95.0%) |')).toBe(3);
    // Another vision mark is another row of the All table; the text table has one row per name.
    upsertReadmeRun(path, run('Model 5', 481, 381, 'vision', true));
    const next = readFileSync(path, 'utf8');
    expect(rows(next, 'all').filter((r) => nameOf(r) === 'Model 5')).toHaveLength(2);
    expect(rows(next, 'text').filter((r) => nameOf(r) === 'Model 5')).toHaveLength(1);
  });

  it('a skip-mode run goes to the text table only, with its whole score; nothing happens without markers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jmle-upsert-'));
    const path = join(dir, 'README.md');
    writeFileSync(path, readme());
    upsertReadmeRun(path, run('Text only', 300, 250, 'skip'));
    const text = readFileSync(path, 'utf8');
    expect(rows(text, 'all')).toHaveLength(22);
    expect(rows(text, 'text')).toContain('| Text only | 300/500 (60.0%) | 250/400 (62.5%) |');
    writeFileSync(path, '# no markers\n');
    expect(upsertReadmeRun(path, run('X', 1, 1))).toBe(false);
    expect(upsertReadmeRun(join(dir, 'absent.md'), run('X', 1, 1))).toBe(false);
  });
});
