import type { RunEntry } from '../../src/viewer/types.js';
import { h, replaceChildren } from './dom.js';
import { fold } from './search.js';

/**
 * Choosing models (the per-question view's answers, the matrix's columns): a
 * checkbox per run in ranking order, a filter box for long lists (100+ runs),
 * and All / None for the runs the filter shows. `onChange` gets the chosen ids
 * in ranking order.
 */
export interface Chooser {
  readonly el: HTMLElement;
  /** Tick the chosen runs in place (keeps focus and scroll). */
  sync(chosen: ReadonlySet<string>): void;
}

export function modelChooser(runs: readonly RunEntry[], title: string, onChange: (ids: string[]) => void, open = true): Chooser {
  let chosen = new Set<string>();
  const summary = h('summary', null, title);
  const checks = h('div', { class: 'checks' });
  const boxes = new Map<string, { label: HTMLElement; input: HTMLInputElement; hay: string }>();
  for (const r of runs) {
    const input = h('input', {
      type: 'checkbox',
      value: r.id,
      onchange: (e) => {
        const on = (e.target as HTMLInputElement).checked;
        onChange(runs.filter((x) => (x.id === r.id ? on : chosen.has(x.id))).map((x) => x.id));
      },
    });
    const label = h('label', { class: 'check', 'data-run': r.id }, input, ` ${r.displayName}`);
    boxes.set(r.id, { label, input, hay: fold(`${r.displayName} ${r.model} ${r.file}`) });
  }
  replaceChildren(
    checks,
    [...boxes.values()].map((b) => b.label),
  );
  const visible = () => runs.filter((r) => !(boxes.get(r.id)?.label.hidden ?? true));
  const filter = h('input', {
    type: 'search',
    class: 'searchbox small',
    placeholder: 'Filter models',
    'aria-label': 'Filter the models to choose from',
    'data-testid': 'chooser-filter',
    oninput: (e) => {
      const words = fold((e.target as HTMLInputElement).value)
        .split(/\s+/)
        .filter(Boolean);
      for (const b of boxes.values()) b.label.hidden = !words.every((w) => b.hay.includes(w));
    },
  });
  const el = h(
    'div',
    { class: 'chooser', 'data-testid': 'model-chooser' },
    h(
      'details',
      { open },
      summary,
      h(
        'div',
        { class: 'chooser-actions' },
        filter,
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'choose-all',
            onclick: () => onChange(runs.filter((r) => chosen.has(r.id) || visible().includes(r)).map((r) => r.id)),
          },
          'All',
        ),
        h(
          'button',
          {
            type: 'button',
            'data-testid': 'choose-none',
            onclick: () => onChange(runs.filter((r) => chosen.has(r.id) && !visible().includes(r)).map((r) => r.id)),
          },
          'None',
        ),
      ),
      checks,
    ),
  );
  return {
    el,
    sync(next) {
      chosen = new Set(next);
      for (const [id, b] of boxes) b.input.checked = chosen.has(id);
      summary.textContent = `${title} (${chosen.size} of ${runs.length})`;
    },
  };
}
