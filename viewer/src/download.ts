import { h } from './dom.js';

/**
 * Downloads of what a view shows (the rows on screen, in their order) as CSV
 * and JSON. Files are made in the browser from the data already loaded, so they
 * work the same from the live server and a static export.
 */

export type Cell = string | number | boolean | null | undefined;

/** A table to download: column names and one row of cells per row shown. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; empty = unknown. */
export function csvField(v: Cell): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Table): string {
  return [t.columns, ...t.rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The rows as objects keyed by column name. */
export function toJsonRows(t: Table): Record<string, Cell>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? null])));
}

function save(name: string, type: string, text: string): void {
  // A byte-order mark so spreadsheet programs read the CSV's Japanese as UTF-8.
  const blob = new Blob([type.startsWith('text/csv') ? '\ufeff' + text : text], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "CSV" and "JSON" buttons; `table()` is called at click time (so it is what is shown then). */
export function downloadButtons(baseName: string, table: () => Table, json?: () => unknown): HTMLElement {
  return h(
    'span',
    { class: 'downloads', 'data-testid': 'downloads' },
    h('span', { class: 'muted' }, 'Download'),
    h('button', { type: 'button', 'data-download': 'csv', onclick: () => save(`${baseName}.csv`, 'text/csv;charset=utf-8', toCsv(table())) }, 'CSV'),
    h(
      'button',
      {
        type: 'button',
        'data-download': 'json',
        onclick: () => save(`${baseName}.json`, 'application/json', JSON.stringify(json ? json() : toJsonRows(table()), null, 2) + '\n'),
      },
      'JSON',
    ),
  );
}

/** A file name part from free text (ids, exam numbers). */
export const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
