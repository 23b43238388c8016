import { h, type Child } from './dom.js';
import { go, type Route } from './router.js';

/** What every view gives the app shell: its element, in-place updates, and its keys. */

export interface ViewKeys {
  /** j or →: the next question. */
  next?(): void;
  /** k or ←: the previous question. */
  prev?(): void;
  /** /: the search box to focus. */
  search?(): HTMLInputElement | null;
  /** Esc (nothing else open): close what the view has open; false when nothing was. */
  close?(): boolean;
}

export interface Mounted {
  readonly el: HTMLElement;
  /** Update in place for a new route of the same view (instant); false = render anew. */
  update(route: Route): boolean;
  readonly keys?: ViewKeys;
}

/** What was wrong with the URL, and what is shown instead (never applied silently). */
export function urlNotice(problems: readonly string[]): Child {
  if (problems.length === 0) return null;
  return h(
    'div',
    { class: 'notice urlnotice', role: 'status', 'data-testid': 'url-notice' },
    problems.length === 1
      ? problems[0]
      : h(
          'ul',
          null,
          problems.map((p) => h('li', null, p)),
        ),
  );
}

/**
 * A text box whose value lives in the URL: the first change after focusing is a
 * new history entry (Back undoes the search), later keystrokes replace it.
 */
export function urlTextBox(opts: {
  value: string;
  placeholder: string;
  label: string;
  testid: string;
  cls?: string;
  onChange: (value: string, replace: boolean) => void;
}): HTMLInputElement {
  let pushed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const commit = (input: HTMLInputElement) => {
    clearTimeout(timer);
    opts.onChange(input.value, pushed);
    pushed = true;
  };
  const input = h('input', {
    type: 'search',
    class: opts.cls ?? 'searchbox',
    value: opts.value,
    placeholder: opts.placeholder,
    'aria-label': opts.label,
    'data-testid': opts.testid,
    autocomplete: 'off',
    spellcheck: 'false',
    onfocus: () => (pushed = false),
    oninput: (e) => {
      const el = e.target as HTMLInputElement;
      clearTimeout(timer);
      timer = setTimeout(() => commit(el), 180);
    },
    onkeydown: (e) => {
      const k = e as KeyboardEvent;
      if (k.key === 'Enter') commit(k.target as HTMLInputElement);
    },
  });
  return input;
}

/** Move to a URL built from a view's state (a history entry unless `replace`). */
export const navigate = (target: string, replace = false): void => go(target, replace);
