import type { IndexPayload, SeriesCellView, SeriesPayload } from '../../../src/viewer/types.js';
import { bar, h } from '../dom.js';
import { pct } from '../format.js';
import { href } from '../router.js';

/**
 * The series: one row per model, a column per exam (score, pass ✓/✗/?), and the
 * mean score %. The table is the server's (`buildSeries` → `seriesJson`, as
 * `jmle-bench leaderboard --exams`); nothing is scored or re-ordered here.
 */

/** ✓ passed, ✗ failed, ? not judgeable (as the CLI's series table). */
export const seriesMark = (p: boolean | null): string => (p === true ? '✓' : p === false ? '✗' : '?');

function cell(exam: string, c: SeriesCellView | null): HTMLElement {
  if (!c) return h('td', { class: 'num missing', 'data-exam': exam }, '–');
  const cls = c.passed === true ? 'ok' : c.passed === false ? 'bad' : 'unknown';
  const why = `required ${seriesMark(c.required_pass)} · general ${seriesMark(c.general_pass)} · 禁忌肢 ${c.kinki_selected === null ? 'unknown' : c.kinki_selected}`;
  return h(
    'td',
    { class: 'num seriescell', 'data-exam': exam, title: `${c.file}: ${why}` },
    h('a', { href: href('model', c.run, { exam }) }, `${c.score}/${c.score_max}`),
    ' ',
    h('span', { class: `mark ${cls}` }, seriesMark(c.passed)),
    h('span', { class: 'sub pctline' }, pct(c.score_pct)),
  );
}

export function renderSeries(series: SeriesPayload, index: IndexPayload): HTMLElement {
  const titles = new Map(index.exams.map((e) => [e.id, e.title]));
  const table = h(
    'div',
    { class: 'tablewrap' },
    h(
      'table',
      { class: 'board series', 'data-testid': 'series' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Model'),
          series.exams.map((e) =>
            h(
              'th',
              { scope: 'col', class: 'num', title: titles.get(e) ?? null },
              titles.has(e) ? h('a', { href: href('leaderboard', null, { exam: e }) }, `${e}th`) : `${e}th`,
            ),
          ),
          h('th', { scope: 'col', class: 'num' }, 'Mean'),
        ),
      ),
      h(
        'tbody',
        null,
        series.rows.map((r) =>
          h(
            'tr',
            { 'data-name': r.name },
            h('td', { class: 'model' }, r.name),
            series.exams.map((e) => cell(e, r.exams[e] ?? null)),
            h(
              'td',
              { class: 'num pctcell mean' },
              r.mean_score_pct === null ? '–' : [h('span', { class: 'pcttext' }, pct(r.mean_score_pct)), bar(r.mean_score_pct)],
              r.mean_score_pct !== null && r.exams_covered < series.exams.length
                ? h('span', { class: 'sub pctline' }, `${r.exams_covered} of ${series.exams.length} exams`)
                : null,
            ),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'view seriesview' },
    h('h2', null, `Series: ${series.exams.map((e) => `${e}th`).join(', ')}`),
    series.rows.length === 0 ? h('p', { class: 'notice' }, 'No runs of these exams.') : null,
    table,
    h(
      'p',
      { class: 'rule', 'data-testid': 'series-legend' },
      '✓ passed every criterion · ✗ failed one · ? not judgeable (禁忌肢 not disclosed; required and general passed). Mean = mean score % over the exams the model has. ',
      'A model is matched across exams by its display name; with several runs of one exam the best is kept. Skip-mode runs are left out. ',
      'The same table as ',
      h('code', null, `jmle-bench leaderboard --exams ${series.exams.join(',')}`),
      '.',
    ),
    series.notes.length
      ? h(
          'ul',
          { class: 'notes', 'data-testid': 'series-notes' },
          series.notes.map((n) => h('li', null, n)),
        )
      : null,
  );
}
