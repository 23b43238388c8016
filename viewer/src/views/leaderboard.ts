import type { LeaderboardPayload, RunEntry } from '../../../src/viewer/types.js';
import { passesKnownCriteria } from '../../../src/scoring/verdict.js';
import { barChart, barDetail, type BarRow } from '../components.js';
import { downloadButtons, fileSafe } from '../download.js';
import { bar, h, type Child } from '../dom.js';
import { checkMark, interval, latency, pct, probability, tokens, VERDICT_MARKS, verdictClass, verdictLabel } from '../format.js';
import { href, type Route } from '../router.js';
import { fold } from '../search.js';
import { downloadTable, headerRow, readSort, sortParams, sortRows, td, type Column, type Sort } from '../table.js';
import { viewNavigator, urlNotice, urlTextBox, type Mounted } from '../view.js';

/** The server's ranking. */
const DEFAULT_SORT: Sort = { key: 'rank', dir: 'asc' };

/**
 * Leaderboard: headline figures, a sortable table of the runs (ranked by the
 * server: the app never ranks or judges a pass), score charts with intervals,
 * the rules. Needs the summaries only.
 */

/** The 禁忌肢 count, or "unknown" where the exam does not disclose them (never 0). */
export const kinkiText = (r: RunEntry): string => (r.summary.kinki.selected === null ? 'unknown' : String(r.summary.kinki.selected));

const VERDICT_ORDER = { pass: 3, 'pass-unless-kinki': 2, incomplete: 1, fail: 0 } as const;

function columns(runs: readonly RunEntry[]): Column<RunEntry>[] {
  const some = (f: (r: RunEntry) => boolean) => runs.some(f);
  const cols: Column<RunEntry>[] = [
    { key: 'rank', label: 'Rank', numeric: true, firstDir: 'asc', value: (r) => r.rank, cell: (r) => td('num rank', String(r.rank)) },
    {
      key: 'model',
      label: 'Model',
      value: (r) => r.displayName.toLowerCase(),
      csv: (r) => r.displayName,
      cell: (r) =>
        td(
          'model',
          h('a', { href: href('model', r.id) }, r.displayName),
          r.coverage.complete
            ? null
            : h(
                'span',
                { class: 'badge partial', 'data-testid': 'partial', title: 'ranked after the complete runs; left out of the charts' },
                `partial: ${r.coverage.answered} of ${r.coverage.total}`,
              ),
          h('span', { class: 'sub' }, `${r.model} · ${r.imageMode ?? '?'} · ${r.file}`),
        ),
    },
    {
      key: 'score',
      label: 'Score',
      numeric: true,
      cls: 'narrowhide',
      value: (r) => r.summary.score,
      cell: (r) => td('num score narrowhide', `${r.summary.score}/${r.summary.score_max}`),
    },
    {
      key: 'pct',
      label: 'Score %',
      numeric: true,
      value: (r) => r.summary.score_pct,
      cell: (r) => td('num pctcell', h('span', { class: 'pcttext' }, pct(r.summary.score_pct)), bar(r.summary.score_pct)),
    },
    {
      key: 'ci',
      label: '95% CI',
      title: 'interval of the score % on an exam like this one (questions resampled by serial case)',
      numeric: true,
      cls: 'wide',
      value: (r) => r.stats?.score.low ?? null,
      csv: (r) => (r.stats ? interval(r.stats.score) : null),
      cell: (r) => td('num wide ci', r.stats ? h('span', { title: r.stats.method }, interval(r.stats.score)) : '—'),
    },
  ];
  if (some((r) => r.stats?.rank_low !== undefined && r.stats.rank_high !== undefined)) {
    cols.push({
      key: 'rankrange',
      label: 'Rank range',
      title: 'ranks the run could plausibly take',
      numeric: true,
      firstDir: 'asc',
      value: (r) => r.stats?.rank_low ?? null,
      csv: (r) => (r.stats?.rank_low !== undefined ? `${r.stats.rank_low}-${r.stats.rank_high}` : null),
      cell: (r) => td('num rankrange', r.stats?.rank_low !== undefined ? `${r.stats.rank_low}–${r.stats.rank_high}` : '—'),
    });
  }
  for (const [key, field, label, title] of [
    ['ppassrerun', 'p_pass_rerun', 'P(pass) rerun', 'probability of passing if the model were run again'],
    ['ppassexam', 'p_pass_exam', 'P(pass) exam', 'probability of passing another exam of this kind'],
  ] as const) {
    if (some((r) => r.stats?.[field] !== undefined)) {
      cols.push({
        key,
        label,
        title,
        numeric: true,
        value: (r) => r.stats?.[field] ?? null,
        cell: (r) => td(`num ${key}`, r.stats?.[field] !== undefined ? probability(r.stats[field]) : '—'),
      });
    }
  }
  cols.push(
    {
      key: 'text',
      label: 'Text-only %',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.text_only_score_pct,
      cell: (r) => td('num wide', pct(r.summary.text_only_score_pct)),
    },
    {
      key: 'correct',
      label: 'Correct',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.correct,
      cell: (r) => td('num wide', `${r.summary.correct}/${r.summary.correct + r.summary.incorrect}`),
    },
    {
      key: 'required',
      label: 'Required',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.required_score,
      cell: (r) => td(`num wide ${r.summary.required_pass === false ? 'bad' : ''}`, `${r.summary.required_score}/${r.summary.required_score_max}`),
    },
    {
      key: 'general',
      label: 'General',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.general_score,
      cell: (r) => td(`num wide ${r.summary.general_pass === false ? 'bad' : ''}`, `${r.summary.general_score}/${r.summary.general_score_max}`),
    },
    {
      key: 'kinki',
      label: '禁忌肢',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.kinki.selected ?? -1,
      csv: (r) => r.summary.kinki.selected,
      cell: (r) => {
        const k = r.summary.kinki;
        const cell = td(`num wide kinki ${k.pass === false ? 'bad' : k.selected === null ? 'muted' : ''}`, kinkiText(r));
        if (k.questions.length) cell.title = k.questions.join(', ');
        return cell;
      },
    },
  );
  if (some((r) => r.summary.usage.records_with_usage > 0)) {
    cols.push({
      key: 'tokens',
      label: 'Tokens',
      title: 'prompt + completion tokens over the run (reasoning tokens are part of the completion)',
      numeric: true,
      cls: 'wide',
      value: (r) => (r.summary.usage.records_with_usage ? r.summary.usage.prompt_tokens + r.summary.usage.completion_tokens : null),
      cell: (r) => {
        const u = r.summary.usage;
        if (!u.records_with_usage) return td('num wide tokens muted', '—');
        const c = td('num wide tokens', tokens(u.prompt_tokens + u.completion_tokens));
        c.title = `prompt ${tokens(u.prompt_tokens)} · completion ${tokens(u.completion_tokens)} · reasoning ${tokens(u.reasoning_tokens)} (${u.records_with_usage} answers)`;
        return c;
      },
    });
  }
  if (some((r) => r.summary.usage.latency_ms_mean !== null)) {
    cols.push({
      key: 'latency',
      label: 'Latency',
      title: 'mean latency per answer (p95 in the tooltip)',
      numeric: true,
      cls: 'wide',
      value: (r) => r.summary.usage.latency_ms_mean,
      cell: (r) => {
        const u = r.summary.usage;
        const c = td('num wide latency', latency(u.latency_ms_mean));
        if (u.latency_ms_p95 !== null) c.title = `median ${latency(u.latency_ms_p50)} · p95 ${latency(u.latency_ms_p95)}`;
        return c;
      },
    });
  }
  if (some((r) => r.behaviour.with_finish_reason > 0 || r.behaviour.retried > 0)) {
    cols.push({
      key: 'truncated',
      label: 'Truncated',
      title: 'answers cut off at the token limit (and answers that needed retries)',
      numeric: true,
      cls: 'wide',
      value: (r) => r.behaviour.truncated,
      cell: (r) => {
        const b = r.behaviour;
        const c = td(`num wide truncated ${b.truncated ? 'bad' : ''}`, String(b.truncated));
        c.title = `${b.truncated} truncated · ${b.retried} retried`;
        return c;
      },
    });
  }
  cols.push({
    key: 'verdict',
    label: 'Verdict',
    title: 'the official verdict: ✓ pass · ✓? pass unless 禁忌肢 (not disclosed) · ✗ fail · – incomplete',
    numeric: true,
    value: (r) => VERDICT_ORDER[r.verdict],
    csv: (r) => r.verdict,
    cell: (r) => {
      const s = r.summary;
      const c = td(`num pass ${verdictClass(r.verdict)}`, VERDICT_MARKS[r.verdict]);
      c.title = `${verdictLabel(r.verdict)}: required ${checkMark(s.required_pass)} general ${checkMark(s.general_pass)} 禁忌肢 ${s.kinki.pass === null ? 'unknown' : checkMark(s.kinki.pass)}`;
      c.dataset['verdict'] = r.verdict;
      return c;
    },
  });
  return cols;
}

/** Extra download columns (what the cells abbreviate). */
const EXTRA: Column<RunEntry>[] = [
  { key: 'file', label: 'File', value: (r) => r.file, cell: () => td(null) },
  { key: 'model_id', label: 'Model id', value: (r) => r.model, cell: () => td(null) },
  { key: 'image_mode', label: 'Image mode', value: (r) => r.imageMode, cell: () => td(null) },
  { key: 'score_ci_low', label: '', value: (r) => r.stats?.score.low ?? null, cell: () => td(null) },
  { key: 'score_ci_high', label: '', value: (r) => r.stats?.score.high ?? null, cell: () => td(null) },
  { key: 'accuracy', label: '', value: (r) => r.summary.accuracy, cell: () => td(null) },
  { key: 'complete', label: '', value: (r) => String(r.coverage.complete), cell: () => td(null) },
];

/** The examinees' average accuracy, where the exam publishes it (the same over every full run). */
function examineeCard(data: LeaderboardPayload): HTMLElement | null {
  if (data.exam.examineeQuestions === 0) return null;
  const withData = data.runs.filter((r) => r.examinees);
  const ex = withData[0]?.examinees;
  const above = withData.filter((r) => (r.examinees?.difference ?? 0) > 0).length;
  return h(
    'div',
    { class: 'card', 'data-testid': 'examinee-card' },
    h('p', { class: 'label' }, 'Examinees (average accuracy)'),
    h('p', { class: 'big' }, ex ? pct(ex.examinee_accuracy) : '—'),
    h(
      'p',
      null,
      ex ? `over ${ex.questions} questions · ${above} of ${withData.length} models above` : `published for ${data.exam.examineeQuestions} questions`,
    ),
  );
}

export function renderLeaderboard(data: LeaderboardPayload, route: Route): Mounted {
  /** URL writes from this view (dropped once another view has replaced it). */
  const navigate = viewNavigator();
  const exam = data.exam;
  const cols = columns(data.runs);
  const problems: string[] = [];
  const { sort, problem } = readSort(route.params, cols, DEFAULT_SORT);
  if (problem) problems.push(problem);
  const filterText = route.params.get('filter') ?? '';
  const zoom = route.params.get('axis') !== 'full';

  const state = { sort, filter: filterText, zoom };
  const link = (next: Partial<typeof state>) => {
    const s = { ...state, ...next };
    return href('leaderboard', null, {
      ...sortParams(s.sort, DEFAULT_SORT),
      filter: s.filter || null,
      axis: s.zoom ? null : 'full',
    });
  };

  const shownRuns = (): RunEntry[] => {
    const words = fold(state.filter).split(/\s+/).filter(Boolean);
    const kept = words.length
      ? data.runs.filter((r) => {
          const hay = fold(`${r.displayName} ${r.model} ${r.file}`);
          return words.every((w) => hay.includes(w));
        })
      : data.runs;
    return sortRows(kept, cols, state.sort);
  };

  const top = data.runs[0];
  const passing = data.runs.filter((r) => passesKnownCriteria(r.verdict)).length;
  const first = data.runs[0]?.summary;
  const reqPass = first?.required_pass_threshold ?? exam.requiredPass;
  const genPass = first?.general_pass_threshold ?? exam.generalPass;

  const headline = h(
    'div',
    { class: 'cards', 'data-testid': 'headline' },
    h(
      'div',
      { class: 'card' },
      h('p', { class: 'label' }, 'Top score'),
      top ? h('p', { class: 'big' }, `${top.summary.score}/${top.summary.score_max}`) : h('p', { class: 'big' }, '—'),
      top
        ? h(
            'p',
            null,
            h('a', { href: href('model', top.id) }, top.displayName),
            ` · ${pct(top.summary.score_pct)}`,
            top.stats ? h('span', { class: 'sub' }, ` ${interval(top.stats.score)}`) : null,
          )
        : null,
    ),
    h(
      'div',
      { class: 'card' },
      h('p', { class: 'label' }, exam.kinkiDisclosed ? `Pass required + general + 禁忌肢 ≤ ${exam.kinkiMax}` : 'Pass required + general'),
      h('p', { class: 'big', 'data-testid': 'passing' }, `${passing} of ${data.runs.length}`),
      h('p', null, `models (禁忌肢 ${exam.kinkiDisclosed ? `≤ ${exam.kinkiMax}` : 'not disclosed: unknown'})`),
    ),
    h(
      'div',
      { class: 'card' },
      h('p', { class: 'label' }, 'Questions'),
      h('p', { class: 'big' }, String(exam.questionCount)),
      h('p', null, `${exam.textOnlyCount} text-only · max ${exam.scoreMax} points`),
    ),
    examineeCard(data),
  );

  const thead = h('thead');
  const tbody = h('tbody');
  const count = h('span', { class: 'muted', 'data-testid': 'board-count' });
  const drawTable = () => {
    const rows = shownRuns();
    thead.replaceChildren(headerRow(cols, state.sort, (s) => navigate(link({ sort: s }))));
    tbody.replaceChildren(
      ...rows.map((r) => {
        const tr = h('tr', { 'data-run': r.id, 'data-verdict': r.verdict });
        for (const c of cols) tr.appendChild(c.cell(r));
        return tr;
      }),
    );
    count.textContent = rows.length === data.runs.length ? `${rows.length} runs` : `${rows.length} of ${data.runs.length} runs`;
  };
  drawTable();

  const filterBox = urlTextBox({
    value: filterText,
    placeholder: 'Filter models',
    label: 'Filter models',
    testid: 'board-filter',
    cls: 'searchbox small',
    onChange: (v, replace) => navigate(link({ filter: v.trim() }), replace),
  });
  const tools = h(
    'div',
    { class: 'tabletools' },
    filterBox,
    count,
    downloadButtons(`leaderboard-${fileSafe(exam.id)}`, () => downloadTable([...cols, ...EXTRA], shownRuns())),
  );
  const table = h('div', { class: 'tablewrap' }, h('table', { class: 'board', 'data-testid': 'leaderboard' }, thead, tbody));

  const rule = h(
    'p',
    { class: 'rule', 'data-testid': 'rule' },
    `Scoring: ${exam.scoreRule}. Pass: required (必修, blocks ${exam.requiredBlocks.join('/')}) ≥ ${reqPass}/${exam.requiredMax} and general ≥ ${genPass}/${exam.generalMax}; `,
    exam.kinkiDisclosed
      ? `禁忌肢 ≤ ${exam.kinkiMax}.`
      : `禁忌肢 ≤ ${exam.kinkiMax} is not checked: the prohibited choices of this exam are not disclosed (unknown; ✓? = pass unless 禁忌肢).`,
    ' Every result file is rescored against the current answer key when loaded; runs are ranked complete first, then by score %, accuracy and file.',
    data.runs[0]?.stats ? ` Intervals: ${data.runs[0].stats.method}.` : '',
  );

  const byId = new Map(data.runs.map((r) => [r.id, r]));
  const rowsFor = (which: 'all' | 'text'): BarRow[] =>
    data.charts[which].map((b) => {
      const r = byId.get(b.run);
      const label = r?.displayName ?? b.run;
      return { label, bar: b, detail: barDetail(label, b), href: href('model', b.run) };
    });
  const skipRuns = data.runs.filter((r) => r.imageMode === 'skip').length;
  const allRows = rowsFor('all');
  const textRows = rowsFor('text');

  const axisToggle = h(
    'p',
    { class: 'axisnote', 'data-testid': 'axis-note' },
    zoom ? 'Axes zoomed to the scores, so close scores are told apart (bars do not start at 0). ' : 'Axes from 0%. ',
    h('a', { href: link({ zoom: !zoom }), 'data-testid': 'axis-toggle' }, zoom ? 'Show from 0%' : 'Zoom to the scores'),
    ' · whiskers: 95% intervals.',
  );
  const charts = h(
    'div',
    { class: 'charts' },
    barChart(`Score % — all ${exam.scoredCounts.all} questions`, allRows, 'chart-all', zoom),
    barChart(`Score % — text-only ${exam.scoredCounts.text} questions`, textRows, 'chart-text', zoom),
  );
  const skipNote: Child =
    skipRuns > 0
      ? h(
          'p',
          { class: 'rule', 'data-testid': 'skip-note' },
          `${skipRuns} skip-mode run${skipRuns === 1 ? '' : 's'} (text-only questions answered) ${skipRuns === 1 ? 'is' : 'are'} in the text-only chart only.`,
        )
      : null;
  const chartNotes: Child = data.charts.notes.length
    ? h(
        'ul',
        { class: 'notes', 'data-testid': 'chart-notes' },
        data.charts.notes.map((n) => h('li', null, n)),
      )
    : null;

  const empty: Child = data.runs.length === 0 ? h('p', { class: 'notice' }, 'No result files could be loaded.') : null;
  const el = h(
    'div',
    { class: 'view leaderboard' },
    h('h2', null, 'Leaderboard'),
    urlNotice(problems),
    headline,
    empty,
    tools,
    table,
    rule,
    axisToggle,
    charts,
    skipNote,
    chartNotes,
  );
  return {
    el,
    update(next: Route) {
      // Filtering and sorting redraw the table in place (the filter box keeps focus).
      if (next.view !== 'leaderboard' || problems.length > 0 || (next.params.get('axis') !== 'full') !== zoom) return false;
      const r = readSort(next.params, cols, DEFAULT_SORT);
      if (r.problem) return false;
      state.sort = r.sort;
      state.filter = next.params.get('filter') ?? '';
      if (document.activeElement !== filterBox) filterBox.value = state.filter;
      drawTable();
      return true;
    },
    keys: { search: () => filterBox },
  };
}
