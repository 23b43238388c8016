import { formatPointDiff, formatPValue } from '../../../src/util/round.js';
import type { ComparePayload, CompareSide, IndexPayload, LeaderboardPayload, RunEntry } from '../../../src/viewer/types.js';
import { getCompare, type CompareResult } from '../api.js';
import { downloadButtons, fileSafe } from '../download.js';
import { h, replaceChildren, type Child } from '../dom.js';
import { answer, pct, VERDICT_MARKS, verdictClass, verdictLabel } from '../format.js';
import { href, type Route } from '../router.js';
import { headerRow, readSort, sortParams, sortRows, td, type Column, type Sort } from '../table.js';
import { viewNavigator, urlNotice, type Mounted } from '../view.js';

/** Exam order. */
const DEFAULT_SORT: Sort = { key: 'id', dir: 'asc' };

/**
 * The paired view of two runs: what `jmle-bench compare A B --json` reports (the
 * server runs the same `compareRuns`): each side over the shared questions, the
 * difference A − B with its paired-bootstrap interval, McNemar's exact test,
 * and the questions where exactly one is right, each linking to the two
 * answers side by side.
 */

type Discordant = ComparePayload['discordant'][number];

function sideRows(): [string, (s: CompareSide) => Child, string][] {
  const pass = (v: boolean | null) => (v === null ? 'n/a' : v ? 'pass' : 'fail');
  return [
    ['file', (s) => s.path, 'file'],
    ['image mode', (s) => s.image_mode, 'image'],
    ['score', (s) => `${s.score}/${s.score_max} (${pct(s.score_pct)})`, 'score'],
    ['accuracy', (s) => `${s.correct}/${s.total} (${pct(s.accuracy)})`, 'accuracy'],
    ['required (必修)', (s) => `${s.required_score}/${s.required_score_max} ${pass(s.required_pass)}`, 'required'],
    ['general', (s) => `${s.general_score}/${s.general_score_max} ${pass(s.general_pass)}`, 'general'],
    ['禁忌肢', (s) => (s.kinki_selected === null ? 'unknown (not disclosed)' : `${s.kinki_selected} selected, ${pass(s.kinki_pass)}`), 'kinki'],
  ];
}

export function renderCompare(data: LeaderboardPayload, index: IndexPayload, route: Route): Mounted {
  /** URL writes from this view (dropped once another view has replaced it). */
  const navigate = viewNavigator();
  const exam = data.exam;
  const runs = data.runs;
  const byId = new Map(runs.map((r) => [r.id, r]));
  const cols: Column<Discordant>[] = [
    {
      key: 'id',
      label: 'Question',
      firstDir: 'asc',
      value: (x) => x.block.charCodeAt(0) * 1000 + Number(x.id.match(/(\d+)$/)?.[1] ?? 0),
      csv: (x) => x.id,
      cell: (x) => td(null, h('a', { href: '', 'data-qid': x.id }, x.id)),
    },
    { key: 'block', label: 'Block', value: (x) => x.block, cell: (x) => td(null, x.block) },
    { key: 'points', label: 'Pts', numeric: true, value: (x) => x.points, cell: (x) => td('num', String(x.points)) },
    { key: 'a', label: 'A', value: (x) => x.answer_a.join(','), cell: (x) => td(x.right === 'A' ? 'ok' : 'bad', answer(x.answer_a)) },
    { key: 'b', label: 'B', value: (x) => x.answer_b.join(','), cell: (x) => td(x.right === 'B' ? 'ok' : 'bad', answer(x.answer_b)) },
    { key: 'gold', label: 'Gold', value: (x) => x.gold.join(','), cell: (x) => td(null, answer(x.gold)) },
    { key: 'right', label: 'Right', cls: 'center', value: (x) => x.right, cell: (x) => td('center', x.right) },
    { key: 'right_a', label: 'A k/K', cls: 'center', value: (x) => x.right_a, cell: (x) => td('center', x.right_a) },
    { key: 'right_b', label: 'B k/K', cls: 'center', value: (x) => x.right_b, cell: (x) => td('center', x.right_b) },
  ];
  if (exam.examineeQuestions > 0) {
    cols.push({
      key: 'examinees',
      label: 'Examinees',
      numeric: true,
      value: (x) => x.examinee_accuracy,
      cell: (x) => td('num', x.examinee_accuracy === null ? '—' : pct(x.examinee_accuracy)),
    });
  }

  const read = (r: Route) => {
    const problems: string[] = [];
    const pick = (name: 'a' | 'b', fallback: RunEntry | undefined): RunEntry | undefined => {
      const v = r.params.get(name);
      if (v === null || v === '') return fallback;
      const run = byId.get(v);
      if (!run) problems.push(`No run "${v}" in the ${exam.id}th for ${name.toUpperCase()}; showing ${fallback?.displayName ?? 'none'}.`);
      return run ?? fallback;
    };
    const a = pick('a', runs[0]);
    const b = pick(
      'b',
      runs.find((x) => x !== a),
    );
    if (a && b && a === b) problems.push('A and B are the same run: choose another for B.');
    const so = readSort(r.params, cols, DEFAULT_SORT);
    if (so.problem) problems.push(so.problem);
    return { a, b, sort: so.sort, problems };
  };
  let st = read(route);
  const link = (a: string | undefined, b: string | undefined, sort: Sort = st.sort) =>
    href('compare', null, {
      a,
      b,
      ...sortParams(sort, DEFAULT_SORT),
    });

  const picker = (which: 'A' | 'B') =>
    h(
      'select',
      {
        'data-testid': `compare-${which.toLowerCase()}`,
        'aria-label': `Run ${which}`,
        onchange: (e) => {
          const v = (e.target as HTMLSelectElement).value;
          navigate(which === 'A' ? link(v, st.b?.id) : link(st.a?.id, v));
        },
      },
      runs.map((r) => h('option', { value: r.id }, `${r.rank}. ${r.displayName}`)),
    );
  const pickA = picker('A');
  const pickB = picker('B');
  const body = h('div', { class: 'comparebody', 'data-testid': 'compare-body' });
  const noticeSlot = h('div');
  let current: ComparePayload | null = null;
  let seq = 0;

  const drawBody = (res: CompareResult) => {
    if (!res.ok) {
      current = null;
      const limit = index.compareLimit;
      replaceChildren(
        body,
        h(
          'p',
          { class: 'notice', 'data-testid': 'compare-error' },
          res.error,
          limit !== null
            ? ` (this exported site holds the comparisons among the best ${limit} runs of each exam; \`jmle-bench compare\` compares any two files)`
            : '',
        ),
      );
      return;
    }
    const c = res.data;
    current = c;
    const level = Math.round(c.difference.score_pct_ci.level * 100);
    const side = (s: CompareSide, v: ComparePayload['verdict']['a'], which: 'a' | 'b') =>
      h('td', { 'data-side': which }, h('span', { class: verdictClass(v) }, `${VERDICT_MARKS[v]} `), verdictLabel(v));
    const sides = h(
      'table',
      { class: 'sides', 'data-testid': 'compare-sides' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, ''),
          h('th', { scope: 'col' }, 'A: ', h('a', { href: href('model', c.run_a) }, c.a.name)),
          h('th', { scope: 'col' }, 'B: ', h('a', { href: href('model', c.run_b) }, c.b.name)),
        ),
      ),
      h(
        'tbody',
        null,
        sideRows().map(([label, f, key]) =>
          h('tr', { 'data-row': key }, h('th', { scope: 'row' }, label), h('td', { 'data-side': 'a' }, f(c.a)), h('td', { 'data-side': 'b' }, f(c.b))),
        ),
        h('tr', { 'data-row': 'verdict' }, h('th', { scope: 'row' }, 'verdict'), side(c.a, c.verdict.a, 'a'), side(c.b, c.verdict.b, 'b')),
      ),
    );
    const ci = (i: { low: number; high: number }) => `[${formatPointDiff(i.low)}, ${formatPointDiff(i.high)}]`;
    const diff = h(
      'div',
      { class: 'cards', 'data-testid': 'compare-diff' },
      h(
        'div',
        { class: 'card', 'data-testid': 'diff-score' },
        h('p', { class: 'label' }, 'Score % A − B'),
        h('p', { class: 'big' }, `${formatPointDiff(c.difference.score_pct)} pts`),
        h('p', null, `${level}% CI ${ci(c.difference.score_pct_ci)} · p = ${formatPValue(c.difference.score_pct_p)}`),
      ),
      h(
        'div',
        { class: 'card', 'data-testid': 'diff-accuracy' },
        h('p', { class: 'label' }, 'Accuracy A − B'),
        h('p', { class: 'big' }, `${formatPointDiff(c.difference.accuracy)} pts`),
        h('p', null, `${level}% CI ${ci(c.difference.accuracy_ci)} · p = ${formatPValue(c.difference.accuracy_p)}`),
      ),
      c.mcnemar
        ? h(
            'div',
            { class: 'card', 'data-testid': 'mcnemar' },
            h('p', { class: 'label' }, 'McNemar exact test'),
            h('p', { class: 'big' }, `p = ${formatPValue(c.mcnemar.p)}`),
            h(
              'p',
              null,
              `only A right ${c.mcnemar.only_a} · only B right ${c.mcnemar.only_b} · both right ${c.mcnemar.both} · both wrong ${c.mcnemar.neither}`,
            ),
          )
        : h(
            'div',
            { class: 'card', 'data-testid': 'epochs' },
            h('p', { class: 'label' }, 'Repeated runs'),
            h('p', { class: 'big' }, `${c.epochs.a} / ${c.epochs.b} epochs`),
            h('p', null, 'paired on mean correctness per question; the list shows k/K right for each'),
          ),
    );
    // k/K columns only when a run has repeated epochs (with one each, they repeat the Right column).
    const shown = c.epochs.a > 1 || c.epochs.b > 1 ? cols : cols.filter((x) => x.key !== 'right_a' && x.key !== 'right_b');
    const rows = sortRows(c.discordant, cols, st.sort);
    const tbody = h('tbody');
    for (const x of rows) {
      const tr = h('tr', { 'data-qid': x.id, class: x.right === 'A' ? 'right-a' : 'right-b' });
      for (const col of shown) tr.appendChild(col.cell(x));
      const a = tr.querySelector<HTMLAnchorElement>('a[data-qid]');
      if (a) a.href = href('question', x.id, { models: `${c.run_a},${c.run_b}` });
      tbody.appendChild(tr);
    }
    const list = h(
      'div',
      { class: 'tablewrap exlist discordant' },
      h(
        'table',
        { class: 'questions', 'data-testid': 'discordant' },
        h(
          'thead',
          null,
          headerRow(shown, st.sort, (so) => navigate(link(st.a?.id, st.b?.id, so))),
        ),
        tbody,
      ),
    );
    replaceChildren(
      body,
      c.warnings.length
        ? h(
            'ul',
            { class: 'notice warnings', 'data-testid': 'compare-warnings' },
            c.warnings.map((w) => h('li', null, w)),
          )
        : null,
      h(
        'p',
        { class: 'rule', 'data-testid': 'compare-scope' },
        `Compared on ${c.questions} shared questions${c.excluded ? ` (+${c.excluded} excluded from scoring)` : ''} of the ${c.exam}th; difference of the mean over epochs with a ${level}% interval clustered by serial case, and an exact sign-flip p-value. The same numbers as `,
        h('code', null, `jmle-bench compare ${c.a.path} ${c.b.path} --json`),
        '.',
      ),
      sides,
      diff,
      h(
        'div',
        { class: 'listhead' },
        h('h3', { 'data-testid': 'discordant-title' }, `Questions where exactly one is right (${c.discordant.length})`),
        downloadButtons(
          `compare-${fileSafe(c.run_a)}-vs-${fileSafe(c.run_b)}`,
          () => ({ columns: shown.map((x) => x.key), rows: rows.map((x) => shown.map((col) => (col.csv ? col.csv(x) : col.value(x)))) }),
          () => c,
        ),
      ),
      c.discordant.length ? list : h('p', { class: 'muted' }, 'No question where exactly one run is right.'),
      h('p', { class: 'rule' }, 'Each question opens the two answers side by side.'),
    );
  };

  const draw = () => {
    replaceChildren(noticeSlot, urlNotice(st.problems));
    if (st.a) pickA.value = st.a.id;
    if (st.b) pickB.value = st.b.id;
    if (!st.a || !st.b || st.a === st.b) {
      current = null;
      replaceChildren(body, h('p', { class: 'muted' }, runs.length < 2 ? 'Two runs of this exam are needed for a comparison.' : 'Choose two different runs.'));
      return;
    }
    const mine = ++seq;
    if (!current || current.run_a !== st.a.id || current.run_b !== st.b.id) replaceChildren(body, h('p', { class: 'loading' }, 'Comparing…'));
    getCompare(st.a.id, st.b.id).then(
      (res) => {
        if (mine === seq) drawBody(res);
      },
      (e: unknown) => {
        if (mine === seq) replaceChildren(body, h('p', { class: 'notice' }, `Could not load: ${e instanceof Error ? e.message : String(e)}`));
      },
    );
  };
  draw();

  const el = h(
    'div',
    { class: 'view compareview' },
    h('h2', null, 'Compare two runs'),
    noticeSlot,
    h(
      'div',
      { class: 'filters pickers' },
      h('label', { class: 'filter' }, h('span', null, 'A'), pickA),
      h('button', { type: 'button', 'data-testid': 'swap', title: 'swap A and B', onclick: () => navigate(link(st.b?.id, st.a?.id)) }, '⇄'),
      h('label', { class: 'filter' }, h('span', null, 'B'), pickB),
    ),
    body,
  );
  return {
    el,
    update(next: Route) {
      if (next.view !== 'compare') return false;
      st = read(next);
      draw();
      return true;
    },
  };
}
