import type { Cell } from './download.js';
import { h, type Child } from './dom.js';

/**
 * Sortable tables: columns know their header, their cell, the value they sort
 * by and the value they download as. The sort lives in the URL (`sort`, `dir`);
 * ties keep the order the rows came in (exam order, the server's ranking).
 */

export type Dir = 'asc' | 'desc';
export type SortValue = number | string | null;

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly title?: string;
  readonly numeric?: boolean;
  /** Extra classes for the header and cells (e.g. `wide`: hidden on phones). */
  readonly cls?: string;
  /** The sort value; null sorts last in either direction. */
  readonly value: (row: T) => SortValue;
  readonly cell: (row: T) => HTMLTableCellElement;
  /** The value in a download (default: the sort value). */
  readonly csv?: (row: T) => Cell;
  /** Direction of the first click (default: ascending for text, descending for numbers). */
  readonly firstDir?: Dir;
}

export interface Sort {
  readonly key: string;
  readonly dir: Dir;
}

/** The sort the URL asks for, or the default; a key no column has is reported (and ignored). */
export function readSort<T>(params: URLSearchParams, columns: readonly Column<T>[], fallback: Sort): { sort: Sort; problem: string | null } {
  const key = params.get('sort');
  const dirParam = params.get('dir');
  const col = key === null ? undefined : columns.find((c) => c.key === key);
  if (key !== null && !col) {
    return { sort: fallback, problem: `No column "${key}" to sort by (columns: ${columns.map((c) => c.key).join(', ')}); showing the default order.` };
  }
  const c = col ?? columns.find((x) => x.key === fallback.key);
  const dir: Dir = dirParam === 'asc' || dirParam === 'desc' ? dirParam : col ? firstDir(c as Column<T>) : fallback.dir;
  return { sort: { key: c?.key ?? fallback.key, dir }, problem: null };
}

/** The URL parameters of a sort (the inverse of `readSort`): none for the default order, which keeps URLs short. */
export function sortParams(sort: Sort, fallback: Sort): { sort: string | null; dir: Dir | null } {
  const isDefault = sort.key === fallback.key && sort.dir === fallback.dir;
  return { sort: isDefault ? null : sort.key, dir: isDefault ? null : sort.dir };
}

const firstDir = <T>(c: Column<T>): Dir => c.firstDir ?? (c.numeric ? 'desc' : 'asc');

export function sortRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: Sort): T[] {
  const col = columns.find((c) => c.key === sort.key);
  if (!col) return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row, i) => ({ row, i, v: col.value(row) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    const c = typeof a.v === 'string' || typeof b.v === 'string' ? String(a.v).localeCompare(String(b.v), 'ja') : a.v - b.v;
    return sign * c || a.i - b.i;
  });
  return keyed.map((k) => k.row);
}

/** The header row: one sort button per column; `onSort` gets the new sort. */
export function headerRow<T>(columns: readonly Column<T>[], sort: Sort, onSort: (next: Sort) => void): HTMLTableRowElement {
  return h(
    'tr',
    null,
    columns.map((c) => {
      const active = c.key === sort.key;
      const next: Dir = active ? (sort.dir === 'asc' ? 'desc' : 'asc') : firstDir(c);
      return h(
        'th',
        {
          scope: 'col',
          class: [c.numeric ? 'num' : '', c.cls ?? ''].join(' ').trim() || null,
          'aria-sort': active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
          'data-key': c.key,
          title: c.title ?? null,
        },
        h(
          'button',
          { type: 'button', class: 'sort', onclick: () => onSort({ key: c.key, dir: next }) },
          c.label,
          active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : '',
        ),
      );
    }),
  );
}

/** A cell: `td(cls, …children)`. */
export function td(cls: string | null, ...children: Child[]): HTMLTableCellElement {
  return h('td', cls ? { class: cls } : null, ...children);
}

/** The download table of rows as shown. */
export function downloadTable<T>(columns: readonly Column<T>[], rows: readonly T[]): { columns: string[]; rows: Cell[][] } {
  return { columns: columns.map((c) => c.key), rows: rows.map((r) => columns.map((c) => (c.csv ? c.csv(r) : c.value(r)))) };
}
