import { h, type Child } from './dom.js';
import { go, navigationCount, type Route } from './router.js';

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
 * Which view is on the page. The app shell retires the old one as soon as a
 * navigation needs another (before the new one has loaded), and a view's URL
 * writes are honoured only while it is the current one: a late click on a page
 * being replaced, or a timer of one already gone, never overwrites the newer URL.
 */
let generation = 0;

/** The view on the page stops being the one in the URL (the app shell, when it renders a new view). */
export function retireViews(): void {
  generation++;
}

/** Navigate to a URL built from a view's state (a history entry unless `replace`); made once per view, when it is built. */
export type Navigate = (target: string, replace?: boolean) => void;
export function viewNavigator(): Navigate {
  const mine = generation;
  return (target, replace = false) => {
    if (mine === generation) go(target, replace);
  };
}

/**
 * A text box whose value lives in the URL: the first change after focusing is a
 * new history entry (Back undoes the search), later keystrokes replace it.
 * Typing is applied after a pause, on Enter, or on leaving the box (so the URL
 * never changes later on its own); a pending change is dropped when the URL
 * changed meanwhile by other means (Back, a link, another view): the newer
 * navigation wins.
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
  /** The navigation count when the pending change was typed (null: nothing pending). */
  let typedAt: number | null = null;
  const commit = (input: HTMLInputElement) => {
    clearTimeout(timer);
    const at = typedAt;
    typedAt = null;
    if (at === null || at !== navigationCount() || !input.isConnected) return;
    opts.onChange(input.value, pushed);
    // The first change that moved the URL is the history entry; the rest replace it.
    if (navigationCount() !== at) pushed = true;
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
    onblur: (e) => commit(e.target as HTMLInputElement),
    oninput: (e) => {
      const el = e.target as HTMLInputElement;
      clearTimeout(timer);
      typedAt = navigationCount();
      timer = setTimeout(() => commit(el), 180);
    },
    onkeydown: (e) => {
      const k = e as KeyboardEvent;
      if (k.key !== 'Enter') return;
      // Enter applies what the box says now, whatever happened since it was typed.
      typedAt = navigationCount();
      commit(k.target as HTMLInputElement);
    },
  });
  return input;
}
