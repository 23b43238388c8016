import type { LeaderboardPayload, RunEntry } from '../../../src/viewer/types';
import { barChart, type BarRow } from '../components';
import { bar, h, type Child } from '../dom';
import { pct, passMark } from '../format';
import { chartEntries, passes, ranked } from '../rank';
import { go, href, type Route } from '../router';

/** Leaderboard: headline figures, a sortable table, score charts, the rules. Needs the summaries only. */

type SortKey = 'rank' | 'model' | 'score' | 'pct' | 'text' | 'correct' | 'required' | 'general' | 'kinki' | 'pass';

const COLUMNS: readonly { key: SortKey; label: string; numeric: boolean; wide?: boolean }[] = [
  { key: 'rank', label: 'Rank', numeric: true },
  { key: 'model', label: 'Model', numeric: false },
  { key: 'score', label: 'Score', numeric: true },
  { key: 'pct', label: 'Score %', numeric: true },
  { key: 'text', label: 'Text-only %', numeric: true, wide: true },
  { key: 'correct', label: 'Correct', numeric: true, wide: true },
  { key: 'required', label: 'Required', numeric: true, wide: true },
  { key: 'general', label: 'General', numeric: true, wide: true },
  { key: 'kinki', label: '禁忌肢', numeric: true, wide: true },
  { key: 'pass', label: 'Pass', numeric: true },
];

/** The 禁忌肢 count, or "unknown" where the exam does not disclose them (never 0). */
export const kinkiText = (r: RunEntry): string => (r.summary.kinki.selected === null ? 'unknown' : String(r.summary.kinki.selected));

function sortValue(r: RunEntry, key: SortKey, rank: number): number | string {
  const s = r.summary;
  switch (key) {
    case 'rank':
      return rank;
    case 'model':
      return r.displayName.toLowerCase();
    case 'score':
      return s.score;
    case 'pct':
      return s.score_pct;
    case 'text':
      return s.text_only_score_pct;
    case 'correct':
      return s.correct;
    case 'required':
      return s.required_score;
    case 'general':
      return s.general_score;
    case 'kinki':
      return s.kinki.selected ?? -1;
    case 'pass':
      return passes(r) ? 1 : 0;
  }
}

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

export function renderLeaderboard(data: LeaderboardPayload, route: Route): HTMLElement {
  const exam = data.exam;
  const order = ranked(data.runs);
  const rankOf = new Map(order.map((r, i) => [r.id, i + 1]));
  const key = COLUMNS.find((c) => c.key === route.params.get('sort'))?.key ?? 'rank';
  const defaultDir = key === 'rank' || key === 'model' ? 'asc' : 'desc';
  const dir = route.params.get('dir') === 'asc' || route.params.get('dir') === 'desc' ? (route.params.get('dir') as 'asc' | 'desc') : defaultDir;
  const rows = [...order].sort((a, b) => {
    const va = sortValue(a, key, rankOf.get(a.id) ?? 0);
    const vb = sortValue(b, key, rankOf.get(b.id) ?? 0);
    const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
    return (dir === 'asc' ? c : -c) || (rankOf.get(a.id) ?? 0) - (rankOf.get(b.id) ?? 0);
  });

  const top = order[0];
  const passing = data.runs.filter(passes).length;
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
      top ? h('p', null, h('a', { href: href('model', top.id) }, top.displayName), ` · ${pct(top.summary.score_pct)}`) : null,
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

  const sortButton = (c: (typeof COLUMNS)[number]) => {
    const active = c.key === key;
    const nextDir = active ? (dir === 'asc' ? 'desc' : 'asc') : c.key === 'rank' || c.key === 'model' ? 'asc' : 'desc';
    return h(
      'th',
      {
        scope: 'col',
        class: `${c.numeric ? 'num' : ''}${c.wide ? ' wide' : ''}`,
        'aria-sort': active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none',
        'data-key': c.key,
      },
      h(
        'button',
        { type: 'button', class: 'sort', onclick: () => go(href('leaderboard', null, { sort: c.key, dir: nextDir }), true) },
        c.label,
        active ? (dir === 'asc' ? ' ▲' : ' ▼') : '',
      ),
    );
  };

  const table = h(
    'div',
    { class: 'tablewrap' },
    h(
      'table',
      { class: 'board', 'data-testid': 'leaderboard' },
      h('thead', null, h('tr', null, COLUMNS.map(sortButton))),
      h(
        'tbody',
        null,
        rows.map((r) => {
          const s = r.summary;
          return h(
            'tr',
            { 'data-run': r.id },
            h('td', { class: 'num rank' }, String(rankOf.get(r.id))),
            h(
              'td',
              { class: 'model' },
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
            h('td', { class: 'num score' }, `${s.score}/${s.score_max}`),
            h('td', { class: 'num pctcell' }, h('span', { class: 'pcttext' }, pct(s.score_pct)), bar(s.score_pct)),
            h('td', { class: 'num wide' }, pct(s.text_only_score_pct)),
            h('td', { class: 'num wide' }, `${s.correct}/${s.correct + s.incorrect}`),
            h('td', { class: `num wide ${s.required_pass === false ? 'bad' : ''}` }, `${s.required_score}/${s.required_score_max}`),
            h('td', { class: `num wide ${s.general_pass === false ? 'bad' : ''}` }, `${s.general_score}/${s.general_score_max}`),
            h(
              'td',
              {
                class: `num wide kinki ${s.kinki.pass === false ? 'bad' : s.kinki.selected === null ? 'muted' : ''}`,
                title: s.kinki.questions.join(', ') || null,
              },
              kinkiText(r),
            ),
            h(
              'td',
              {
                class: `num pass ${passes(r) ? 'ok' : 'bad'}`,
                title: `required ${passMark(s.required_pass)} general ${passMark(s.general_pass)} 禁忌肢 ${s.kinki.pass === null ? 'unknown' : passMark(s.kinki.pass)}`,
              },
              passes(r) ? '✓' : '✗',
            ),
          );
        }),
      ),
    ),
  );

  const rule = h(
    'p',
    { class: 'rule', 'data-testid': 'rule' },
    `Scoring: ${exam.scoreRule}. Pass: required (必修, blocks ${exam.requiredBlocks.join('/')}) ≥ ${reqPass}/${exam.requiredMax} and general ≥ ${genPass}/${exam.generalMax}; `,
    exam.kinkiDisclosed
      ? `禁忌肢 ≤ ${exam.kinkiMax}.`
      : `禁忌肢 ≤ ${exam.kinkiMax} is not checked: the prohibited choices of this exam are not disclosed (unknown).`,
    ' Every result file is rescored against the current answer key when loaded.',
  );

  const rowsFor = (which: 'all' | 'text'): BarRow[] =>
    chartEntries(data.runs, which).map(({ run: r, value, score, max }) => ({
      label: r.displayName,
      value,
      valueText: pct(value),
      detail: `${r.displayName}: ${pct(value)} (${score}/${max} points)`,
      href: href('model', r.id),
    }));
  const skipRuns = data.runs.filter((r) => r.imageMode === 'skip').length;

  const charts = h(
    'div',
    { class: 'charts' },
    barChart(`Score % — all ${exam.scoredCounts.all} questions`, rowsFor('all'), 'chart-all'),
    barChart(`Score % — text-only ${exam.scoredCounts.text} questions`, rowsFor('text'), 'chart-text'),
  );
  const skipNote: Child =
    skipRuns > 0
      ? h(
          'p',
          { class: 'rule', 'data-testid': 'skip-note' },
          `${skipRuns} skip-mode run${skipRuns === 1 ? '' : 's'} (text-only questions answered) ${skipRuns === 1 ? 'is' : 'are'} in the text-only chart only.`,
        )
      : null;

  const empty: Child = data.runs.length === 0 ? h('p', { class: 'notice' }, 'No result files could be loaded.') : null;
  return h('div', { class: 'view leaderboard' }, h('h2', null, 'Leaderboard'), headline, empty, table, rule, charts, skipNote);
}
