import { copyFileSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExam } from '../../src/exam/registry.js';
import { importFileName, importIgakuqa } from '../../src/runs/import-igakuqa.js';
import { writeResultFileSync } from '../../src/results/write.js';
import { DATA_ROOT, RESULTS_DIR } from './data.js';

/**
 * A temporary results folder for the viewer tests: the real result files
 * (copied, never modified in place), one synthetic run (a copy of a real one)
 * whose display name and one response are hostile, with hand-written Japanese
 * bold, a long response, and the cost and behaviour fields the published files
 * lack; two broken files and a symlink to a system file, all to be listed as
 * skipped.
 */

export const EVIL_FILE = 'zz_evil.json';
export const EVIL_ID = 'zz_evil';
export const EVIL_QID = '120A-1';
export const EVIL_TEXT =
  'Look: <img src=x onerror=alert(1)> and <script>alert(1)</script> and [click](javascript:alert(1)) ' +
  'and [upper](JAVASCRIPT:alert(2)) and <a href="javascript:alert(3)">raw</a> and ![pic](x) and <iframe src="javascript:alert(4)"></iframe>\n\n【回答】a';
export const EVIL_NAME = '<img src=x onerror=alert(1)>Evil<script>alert(1)</script>';
export const BROKEN_FILES = ['broken-json.json', 'wrong-shape.json'] as const;
/** A symlink to a system file: skipped, and its reason must not quote the file's first line. */
export const SYSTEM_LINK = { file: 'zz_system-link.json', target: '/etc/passwd' } as const;
export const SKIPPED_FILES = [...BROKEN_FILES, SYSTEM_LINK.file] as const;

/** Hand-written Japanese answers whose bold touches Japanese punctuation (CommonMark leaves `**「…」**です` literal). */
export const CJK_QID = '120A-2';
export const CJK_TEXT =
  '考え方：**太字**（強調）です。次に**「重要」**ですので注意。目印は ほしぞら検索語 です。\n\n| 項目 | 値 |\n|:--|--:|\n| 頻度 | 1 |\n\n【回答】a';
/** A made-up word that occurs in no question and no published response: only in CJK_TEXT. */
export const RESPONSE_WORD = 'ほしぞら検索語';
/** A long response (shown collapsed, with "show all"). */
export const LONG_QID = '120A-4';
export const LONG_FILLER = '\n\n補足：この説明は長い応答の表示を確かめるための手書きの文章です。'.repeat(60);
/** The answer cut off at the token limit. */
export const TRUNCATED_QID = '120A-3';
/** The answer that needed three attempts. */
export const RETRIED_QID = '120A-5';

export interface Fixture {
  readonly dir: string;
  readonly realFiles: readonly string[];
}

export function makeResultsFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'jmle-viewer-results-'));
  const realFiles = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  for (const f of realFiles) copyFileSync(join(RESULTS_DIR, f), join(dir, f));

  const base = JSON.parse(readFileSync(join(RESULTS_DIR, 'openai_gpt-5.2.json'), 'utf8')) as {
    metadata: Record<string, unknown>;
    results: Record<string, unknown>[];
  };
  base.metadata['model'] = 'evil/<b>model</b>';
  base.metadata['display_name'] = EVIL_NAME;
  base.results.forEach((r, i) => {
    const id = r['question_id'];
    if (id === EVIL_QID) {
      r['raw_response'] = EVIL_TEXT;
      r['reasoning'] = EVIL_TEXT.replace('【回答】a', '');
    }
    if (id === CJK_QID) r['raw_response'] = CJK_TEXT;
    if (id === LONG_QID) r['raw_response'] = `${String(r['raw_response'])}${LONG_FILLER}`;
    // Cost and behaviour, as jmle-bench records them (made-up figures).
    r['usage'] = { prompt_tokens: 1000 + i, completion_tokens: 200 + i, reasoning_tokens: 100, total_tokens: 1200 + 2 * i };
    r['latency_ms'] = 1000 + 10 * i;
    r['attempts'] = id === RETRIED_QID ? 3 : 1;
    r['finish_reason'] = id === TRUNCATED_QID ? 'length' : 'stop';
  });
  writeFileSync(join(dir, EVIL_FILE), JSON.stringify(base));
  writeFileSync(join(dir, BROKEN_FILES[0]), '{"metadata": {"model": "x"}, "results": [');
  writeFileSync(join(dir, BROKEN_FILES[1]), JSON.stringify({ metadata: { model: 'x' }, results: 'not a list' }));
  symlinkSync(SYSTEM_LINK.target, join(dir, SYSTEM_LINK.file));
  return { dir, realFiles };
}

/**
 * A results folder with runs of several exams: IgakuQA's published predictions
 * for the 112th and 116th, imported as ordinary result files (GPT-4 on both,
 * ChatGPT on the 112th, the student majority on the 116th), a real 120th run,
 * and one broken file. Built in a temp dir, never in the repository.
 */
export const PAST_120_FILE = 'openai_gpt-5.2.json';
export const PAST_IMPORTS = [
  ['gpt4', '112'],
  ['gpt4', '116'],
  ['chatgpt', '112'],
  ['student-majority', '116'],
] as const;

export function makePastExamsFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'jmle-viewer-past-'));
  const source = join(DATA_ROOT, 'igakuqa');
  const realFiles: string[] = [PAST_120_FILE];
  for (const [system, id] of PAST_IMPORTS) {
    const { exam } = loadExam({ exam: id, dataDir: DATA_ROOT });
    const imported = importIgakuqa({ dir: source, system, exam, timestamp: '2026-01-01T00:00:00.000Z' });
    const name = importFileName(system, id);
    writeResultFileSync(join(dir, name), imported.file);
    realFiles.push(name);
  }
  copyFileSync(join(RESULTS_DIR, PAST_120_FILE), join(dir, PAST_120_FILE));
  writeFileSync(join(dir, BROKEN_FILES[0]), '{"metadata": {"model": "x"}, "results": [');
  return { dir, realFiles: realFiles.sort() };
}
