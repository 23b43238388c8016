import { extname } from 'node:path';
import { createRequire } from 'node:module';
import type { Interval } from '../stats/index.js';
import { writeFileAtomicSync } from '../util/atomic.js';
import { UserError } from '../util/errors.js';
import { toFixedHalfEven } from '../util/round.js';
import type { Leaderboard, LeaderboardRow } from './leaderboard.js';

/**
 * The leaderboard chart: horizontal grouped bars, one pair per model (all
 * questions / text-only, score %), value labels, 95% intervals as whiskers,
 * best model on top. Horizontal bars keep long names readable with any number
 * of models: the canvas grows downwards. The axis starts where the data does
 * (83–99% for today's models would be a sliver of a 0–100 axis), and says so.
 * The SVG is built by hand; the PNG is rendered from it by resvg (no browser).
 */

export interface ChartBar {
  readonly name: string;
  /** Score % on all questions (fraction); null for runs that skipped the image questions. */
  readonly all: number | null;
  /** Score % on the text-only questions (fraction). */
  readonly text: number | null;
  readonly allCi?: Interval;
  readonly textCi?: Interval;
}

export interface ChartOptions {
  readonly title?: string;
  readonly allLabel?: string;
  readonly textLabel?: string;
  /** Note under the title. */
  readonly subtitle?: string;
}

export const CHART_COLORS = { all: '#2196F3', text: '#78909C' } as const;

/** For text with Japanese (names are often Japanese): CJK-capable families first, then common Latin ones. */
export const CHART_FONT_FAMILY =
  "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Yu Gothic', Meiryo, 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";
/**
 * For text without CJK characters: common Latin families first. Shaping with a
 * CJK collection font costs resvg ~20 ms per text element, which made a
 * 100-model chart take seconds; Latin fonts are ~20× faster.
 */
export const CHART_LATIN_FONT_FAMILY = "'Liberation Sans', 'DejaVu Sans', Arial, Helvetica, 'Noto Sans CJK JP', sans-serif";
/** The family resvg falls back to for text whose listed families are all missing. */
export const CHART_DEFAULT_FONT = 'Noto Sans CJK JP';

/** Latin, Latin-1/Extended, general punctuation and arrows/symbols commonly in Latin fonts. */
// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: any text of these blocks, control characters included
const LATIN_ONLY = /^[\u0000-\u024f\u2000-\u206f\u2190-\u21ff\u00d7]*$/;

/** The font-family attribute for one text element: the CJK list where the text needs it (the root has the Latin one). */
function fontAttr(text: string): string {
  return LATIN_ONLY.test(text) ? '' : ` font-family="${CHART_FONT_FAMILY}"`;
}

/** A row's bar: the mean over epochs where there are several (the interval is about it), else the score. */
function barValue(r: LeaderboardRow): number {
  const u = r.uncertainty;
  return u && u.epochs > 1 && u.scoreMean !== null && r.scoreMax > 0 ? u.scoreMean / r.scoreMax : r.scorePct;
}

/** Chart bars from a leaderboard, in its order; text-only-only runs (skip mode) last. Partial runs are left out. */
export function chartEntries(lb: Leaderboard): ChartBar[] {
  const complete = (r: LeaderboardRow) => r.coverage.complete;
  const textByName = new Map(lb.text.filter(complete).map((r) => [r.name, r]));
  const entries: ChartBar[] = lb.all.filter(complete).map((r) => {
    const t = textByName.get(r.name);
    return {
      name: r.name,
      all: barValue(r),
      text: t ? barValue(t) : null,
      ...(r.ci ? { allCi: r.ci.score } : {}),
      ...(t?.ci ? { textCi: t.ci.score } : {}),
    };
  });
  const inAll = new Set(lb.all.map((r) => r.name));
  for (const t of lb.text.filter(complete)) {
    if (!inAll.has(t.name)) entries.push({ name: t.name, all: null, text: barValue(t), ...(t.ci ? { textCi: t.ci.score } : {}) });
  }
  return entries;
}

/**
 * The axis: from 0 when the data reaches low, else from a round value just
 * below the lowest bar or whisker, with ticks at 1, 2, 5 or 10 points so that
 * an 83–99% spread fills the plot instead of its last sixth.
 */
export function axisRange(entries: readonly ChartBar[]): { start: number; step: number } {
  const values = entries.flatMap((e) => [e.all, e.text, e.allCi?.low ?? null, e.textCi?.low ?? null]).filter((v): v is number => v !== null);
  const lowest = values.length > 0 ? Math.min(...values) * 100 : 0;
  if (lowest < 40) return { start: 0, step: 10 };
  const span = 100 - lowest;
  const step = span <= 8 ? 1 : span <= 20 ? 2 : span <= 45 ? 5 : 10;
  return { start: Math.max(0, Math.floor((lowest - step / 2) / step) * step), step };
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Rough rendered width of a label: full-width characters are about 1em, Latin about 0.6em. */
export function textWidth(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x2e80) w += 1.0;
    else if (/[A-Z0-9mwMW@%]/.test(ch)) w += 0.66;
    else if (/[il.,:;|!'()[\] ]/.test(ch)) w += 0.3;
    else w += 0.55;
  }
  return Math.ceil(w * fontSize);
}

const pct1 = (x: number) => toFixedHalfEven(x * 100, 1);

export interface Svg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

/** Build the chart as an SVG document. */
export function renderChartSvg(entries: readonly ChartBar[], opts: ChartOptions = {}): Svg {
  const nameFont = 13;
  const valueFont = 11;
  const barH = 13;
  const rowH = 2 * barH + 12;
  const pad = 20;
  const nameW = Math.min(640, Math.max(120, ...entries.map((e) => textWidth(e.name, nameFont))));
  const plotX = pad + nameW + 12;
  const plotW = 640;
  const width = plotX + plotW + 56 + pad;
  const top = 96 + (opts.subtitle ? 18 : 0);
  const plotH = Math.max(1, entries.length) * rowH;
  const height = top + plotH + 44;
  const axis = axisRange(entries);
  const from = axis.start / 100;
  const x = (v: number) => plotX + ((Math.max(from, Math.min(1, v)) - from) / (1 - from)) * plotW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_LATIN_FONT_FAMILY}">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  const title = opts.title ?? 'JMLE-Bench Leaderboard';
  out.push(`<text x="${pad}" y="${pad + 16}" font-size="20" font-weight="bold" fill="#212121"${fontAttr(title)}>${escapeXml(title)}</text>`);
  if (opts.subtitle) out.push(`<text x="${pad}" y="${pad + 38}" font-size="12" fill="#616161"${fontAttr(opts.subtitle)}>${escapeXml(opts.subtitle)}</text>`);

  // Legend.
  const ly = top - 34;
  const legend = [
    [CHART_COLORS.all, opts.allLabel ?? 'All questions'],
    [CHART_COLORS.text, opts.textLabel ?? 'Text-only questions'],
  ] as const;
  let lx = plotX;
  for (const [color, label] of legend) {
    out.push(`<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${color}"/>`);
    out.push(`<text x="${lx + 20}" y="${ly}" font-size="13" fill="#212121"${fontAttr(label)}>${escapeXml(label)}</text>`);
    lx += 20 + textWidth(label, 13) + 28;
  }

  // Zebra rows, grid and axis labels.
  entries.forEach((_, i) => {
    if (i % 2 === 1) out.push(`<rect x="${pad}" y="${top + i * rowH}" width="${width - 2 * pad}" height="${rowH}" fill="#f5f7fa"/>`);
  });
  for (let t = axis.start; t <= 100; t += axis.step) {
    const gx = x(t / 100);
    out.push(`<line x1="${gx}" y1="${top}" x2="${gx}" y2="${top + plotH}" stroke="${t === axis.start ? '#9e9e9e' : '#e0e0e0'}" stroke-width="1"/>`);
    out.push(`<text x="${gx}" y="${top + plotH + 18}" font-size="11" fill="#616161" text-anchor="middle">${t}</text>`);
    out.push(`<text x="${gx}" y="${top - 6}" font-size="11" fill="#616161" text-anchor="middle">${t}</text>`);
  }
  const axisTitle = axis.start > 0 ? `Score (%): the axis starts at ${axis.start}%` : 'Score (%)';
  out.push(`<text x="${plotX + plotW / 2}" y="${top + plotH + 38}" font-size="12" fill="#424242" text-anchor="middle">${axisTitle}</text>`);
  if (axis.start > 0) {
    // A break mark on the axis line: the bars do not start at zero.
    const bx = plotX;
    out.push(`<path d="M${bx - 5} ${top + plotH + 4}l4 -8M${bx - 1} ${top + plotH + 4}l4 -8" stroke="#616161" stroke-width="1.2" fill="none"/>`);
  }

  const whisker = (ci: Interval, cy: number) => {
    const x1 = x(ci.low);
    const x2 = x(ci.high);
    return `<path d="M${x1} ${cy}H${x2}M${x1} ${cy - 4}V${cy + 4}M${x2} ${cy - 4}V${cy + 4}" stroke="#263238" stroke-width="1.2" fill="none"/>`;
  };

  entries.forEach((e, i) => {
    const y0 = top + i * rowH + 6;
    out.push(
      `<text x="${plotX - 12}" y="${y0 + barH + 5}" font-size="${nameFont}" fill="#212121" text-anchor="end"${fontAttr(e.name)}>${escapeXml(e.name)}</text>`,
    );
    const bars = [
      [e.all, CHART_COLORS.all, y0, e.allCi],
      [e.text, CHART_COLORS.text, y0 + barH, e.textCi],
    ] as const;
    for (const [v, color, y, ci] of bars) {
      if (v === null) {
        out.push(`<text x="${plotX + 4}" y="${y + barH - 2}" font-size="${valueFont}" fill="#9e9e9e">n/a (images skipped)</text>`);
        continue;
      }
      out.push(`<rect x="${plotX}" y="${y}" width="${(x(v) - plotX).toFixed(2)}" height="${barH}" fill="${color}"/>`);
      const labelX = Math.max(x(v), ci ? x(ci.high) : 0) + 4;
      if (ci) out.push(whisker(ci, y + barH / 2));
      out.push(`<text x="${labelX.toFixed(2)}" y="${y + barH - 2}" font-size="${valueFont}" fill="#212121">${pct1(v)}</text>`);
    }
  });
  out.push('</svg>');
  return { svg: out.join('\n') + '\n', width, height };
}

/** Render an SVG to PNG with resvg, using system fonts (a CJK font when installed). */
export function renderPng(svg: string, scale = 2): Buffer {
  // The native renderer loads only when a PNG is drawn (a table, an SVG or `--help` does not need it).
  const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: CHART_DEFAULT_FONT, sansSerifFamily: CHART_DEFAULT_FONT },
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
  });
  return Buffer.from(resvg.render().asPng());
}

export type ChartFormat = 'svg' | 'png';

export function chartFormat(path: string): ChartFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.png') return 'png';
  throw new UserError(`--plot ${path}: the chart is written as .png or .svg; name the file accordingly`);
}

/** Write the chart for `lb` to `path` (.png or .svg), atomically; replaces an earlier chart. */
export function writeChart(path: string, lb: Leaderboard, scale = 2): { format: ChartFormat; width: number; height: number } {
  const format = chartFormat(path);
  const level = lb.uncertainty ? Math.round(lb.uncertainty.level * 100) : null;
  const epochs = [...lb.all, ...lb.text].some((r) => (r.uncertainty?.epochs ?? 1) > 1);
  const what = epochs ? 'Score (%) with official points, mean over epochs' : 'Score (%) with official points';
  const { svg, width, height } = renderChartSvg(chartEntries(lb), {
    title: `JMLE-Bench Leaderboard — ${lb.examTitle}`,
    subtitle: `${what}, sorted by the all-question score${level ? `; whiskers: ${level}% interval on an exam like this one (questions resampled by case)` : ''}`,
    allLabel: `All (${lb.questions.all} questions)`,
    textLabel: `Text-only (${lb.questions.text} questions)`,
  });
  const data = format === 'svg' ? svg : renderPng(svg, scale);
  try {
    writeFileAtomicSync(path, data);
  } catch (e) {
    throw new UserError(`cannot write chart ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check that its folder exists`);
  }
  return format === 'svg' ? { format, width, height } : { format, width: Math.round(width * scale), height: Math.round(height * scale) };
}
