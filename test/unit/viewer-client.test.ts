import { describe, expect, it } from 'vitest';
import { csvField, toCsv, toJsonRows } from '../../viewer/src/download.js';
import { markdownHtml } from '../../viewer/src/markdown.js';
import { hitRanges, parseQuery } from '../../viewer/src/search.js';
import { readSort, sortParams, sortRows, type Column } from '../../viewer/src/table.js';

/**
 * The viewer's pure parts, without a browser: Markdown of untrusted model
 * output (CJK-friendly bold, no raw HTML, no inline styles), search words and
 * where they are found, CSV as spreadsheets read it, and table sorting.
 */

describe('Markdown of model output', () => {
  it('reads bold next to Japanese punctuation as bold (markdown-it-cjk-friendly)', () => {
    expect(markdownHtml('**太字**（強調）です')).toContain('<strong>太字</strong>（強調）');
    expect(markdownHtml('次に**「重要」**ですので')).toContain('<strong>「重要」</strong>です');
    expect(markdownHtml('**診断：**肺炎')).toContain('<strong>診断：</strong>肺炎');
  });

  it('keeps raw HTML as text and writes table alignment as a class, never a style attribute (the CSP refuses those)', () => {
    const html = markdownHtml('<script>alert(1)</script>\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('style=');
    expect(html).toContain('<th class="align-right">a</th>');
    expect(html).toContain('<td class="align-center">2</td>');
  });
});

describe('search', () => {
  it('splits words (a quoted phrase is one), ignoring case and width', () => {
    expect(parseQuery('  肺炎   "acute kidney"  ＣＴ ').terms).toEqual(['肺炎', 'acute kidney', 'ct']);
    expect(parseQuery('').terms).toEqual([]);
  });

  it('finds each word in the original text, full-width forms included, ranges merged', () => {
    expect(hitRanges('胸部ＣＴで肺炎、CT再検', parseQuery('ct 肺炎'))).toEqual([
      [2, 4],
      [5, 7],
      [8, 10],
    ]);
    expect(hitRanges('abcabc', parseQuery('bc abc'))).toEqual([[0, 6]]);
    expect(hitRanges('nothing here', parseQuery('肺炎'))).toEqual([]);
  });
});

describe('downloads', () => {
  it('quotes what a spreadsheet would split, and leaves unknown cells empty', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    const t = {
      columns: ['id', 'note'],
      rows: [
        ['120A-1', 'line\nbreak'],
        ['120A-2', null],
      ],
    };
    expect(toCsv(t)).toBe('id,note\r\n120A-1,"line\nbreak"\r\n120A-2,\r\n');
    expect(toJsonRows(t)).toEqual([
      { id: '120A-1', note: 'line\nbreak' },
      { id: '120A-2', note: null },
    ]);
  });
});

describe('sortable tables', () => {
  const rows = [
    { id: 'a', n: 2 },
    { id: 'b', n: null },
    { id: 'c', n: 1 },
    { id: 'd', n: 2 },
  ];
  const cols: Column<(typeof rows)[number]>[] = [
    { key: 'id', label: 'ID', value: (r) => r.id, cell: () => ({}) as HTMLTableCellElement },
    { key: 'n', label: 'N', numeric: true, value: (r) => r.n, cell: () => ({}) as HTMLTableCellElement },
  ];

  it('sorts either way with ties in the given order and empty values last', () => {
    expect(sortRows(rows, cols, { key: 'n', dir: 'asc' }).map((r) => r.id)).toEqual(['c', 'a', 'd', 'b']);
    expect(sortRows(rows, cols, { key: 'n', dir: 'desc' }).map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
  });

  it('reads the sort from the URL, and names a column that does not exist instead of ignoring it silently', () => {
    expect(readSort(new URLSearchParams('sort=n'), cols, { key: 'id', dir: 'asc' })).toEqual({ sort: { key: 'n', dir: 'desc' }, problem: null });
    const bad = readSort(new URLSearchParams('sort=zzz'), cols, { key: 'id', dir: 'asc' });
    expect(bad.sort).toEqual({ key: 'id', dir: 'asc' });
    expect(bad.problem).toBe('No column "zzz" to sort by (columns: id, n); showing the default order.');
  });

  it('writes a sort back to the URL, leaving the default order out, and reads it back the same', () => {
    const fallback = { key: 'id', dir: 'asc' } as const;
    expect(sortParams(fallback, fallback)).toEqual({ sort: null, dir: null });
    for (const sort of [
      { key: 'n', dir: 'asc' },
      { key: 'id', dir: 'desc' },
    ] as const) {
      const p = sortParams(sort, fallback);
      const params = new URLSearchParams({ sort: p.sort ?? '', dir: p.dir ?? '' });
      expect(readSort(params, cols, fallback).sort).toEqual(sort);
    }
  });
});
