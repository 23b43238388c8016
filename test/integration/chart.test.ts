import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResultDir } from '../../src/runs/collection.js';
import { axisRange, chartEntries, escapeXml, renderChartSvg, renderPng, writeChart, type ChartBar } from '../../src/reports/chart.js';
import { buildLeaderboard, type Leaderboard } from '../../src/reports/leaderboard.js';
import { DATA_ROOT, RESULTS_DIR } from '../helpers/data.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk (bytes 16–23), after checking the signature and chunk type. */
function pngSize(buf: Buffer): { width: number; height: number } {
  expect(buf.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(buf.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

let lb: Leaderboard;
let dir: string;
beforeAll(() => {
  lb = buildLeaderboard(loadResultDir(RESULTS_DIR, { dataDir: DATA_ROOT }).runs);
  dir = mkdtempSync(join(tmpdir(), 'jmle-chart-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chart entries', () => {
  it('one pair per model, in leaderboard order, with both score %', () => {
    const e = chartEntries(lb);
    expect(e.map((x) => x.name)).toEqual(lb.all.map((r) => r.name));
    expect(e[0]).toMatchObject({ name: 'Claude Opus 4.6', all: 0.986, text: 0.9921 });
    for (let i = 1; i < e.length; i++) expect(e[i]!.all!).toBeLessThanOrEqual(e[i - 1]!.all!);
  });
});

describe('SVG', () => {
  it('contains every model name, escaped, and every value label', () => {
    const entries: ChartBar[] = [...chartEntries(lb), { name: 'Evil <script>&"\'', all: 0.5, text: 0.61 }, { name: '医療モデル 甲', all: null, text: 0.9 }];
    const { svg } = renderChartSvg(entries);
    for (const e of entries) expect(svg).toContain(`>${escapeXml(e.name)}</text>`);
    expect(svg).toContain('Evil &lt;script&gt;&amp;&quot;&#39;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('>98.6</text>');
    expect(svg).toContain('>99.2</text>');
    expect(svg).toContain('>61.0</text>');
    expect(svg).toContain('n/a (images skipped)');
    expect(svg).toMatch(/font-family="'Noto Sans CJK JP'[^"]*sans-serif">医療モデル 甲</);
  });

  it('grows downwards with the number of models', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `Model ${i}`, all: 0.9 - i / 1000, text: 0.91 }));
    const small = renderChartSvg(many.slice(0, 10));
    const big = renderChartSvg(many);
    const perRow = (big.height - small.height) / 30; // linear in the number of rows
    expect(Number.isInteger(perRow)).toBe(true);
    expect(perRow).toBeGreaterThanOrEqual(30); // room for two bars and their labels
    expect(big.height).toBeGreaterThan(small.height * 2.5);
    expect(big.svg).toContain(`height="${big.height}"`);
  });

  it('widens for long names', () => {
    const short = renderChartSvg([{ name: 'A', all: 0.9, text: 0.9 }]);
    const long = renderChartSvg([{ name: 'A'.repeat(60), all: 0.9, text: 0.9 }]);
    expect(long.width).toBeGreaterThan(short.width);
  });
});

describe('PNG', () => {
  it('is a valid PNG of the SVG size times the scale', () => {
    const { svg, width, height } = renderChartSvg(chartEntries(lb));
    const size = pngSize(renderPng(svg, 1));
    expect(size).toEqual({ width, height });
  });

  it('writeChart writes SVG and PNG (2×) files', () => {
    const svgPath = join(dir, 'lb.svg');
    const svgInfo = writeChart(svgPath, lb);
    expect(svgInfo.format).toBe('svg');
    const text = readFileSync(svgPath, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text).toContain(`width="${svgInfo.width}" height="${svgInfo.height}"`);
    for (const row of lb.all) expect(text).toContain(`>${escapeXml(row.name)}</text>`);
    expect(text).toContain('第120回医師国家試験');

    const png = join(dir, 'lb.png');
    const r = writeChart(png, lb);
    expect(r).toEqual({ format: 'png', width: svgInfo.width * 2, height: svgInfo.height * 2 });
    expect(pngSize(readFileSync(png))).toEqual({ width: svgInfo.width * 2, height: svgInfo.height * 2 });
  });

  it('refuses other extensions and unwritable places with a user error', () => {
    expect(() => writeChart(join(dir, 'lb.gif'), lb)).toThrow(/\.png or \.svg/);
    expect(() => writeChart(join(dir, 'no', 'such', 'dir', 'lb.svg'), lb)).toThrow(/cannot write chart/);
  });
});

describe('an axis that makes the 83–99% spread readable, with intervals', () => {
  it('starts just below the lowest bar or whisker and says so; whiskers are drawn for every bar', () => {
    const lb = buildLeaderboard(loadResultDir(RESULTS_DIR, { dataDir: DATA_ROOT }).runs, { uncertainty: { resamples: 300 } });
    const bars = chartEntries(lb);
    const axis = axisRange(bars);
    const lowest = Math.min(...bars.flatMap((b) => [b.all ?? 1, b.text ?? 1, b.allCi?.low ?? 1, b.textCi?.low ?? 1]));
    expect(axis.start).toBeGreaterThan(50);
    expect(axis.start).toBeLessThanOrEqual(lowest * 100);
    expect([1, 2, 5]).toContain(axis.step);
    const { svg } = renderChartSvg(bars);
    expect(svg).toContain(`the axis starts at ${axis.start}%`);
    expect(svg.match(/stroke="#263238"/g)).toHaveLength(bars.length * 2);
  });

  it('a chart with low scores keeps a 0–100 axis', () => {
    expect(axisRange([{ name: 'random', all: 0.22, text: 0.2 }])).toEqual({ start: 0, step: 10 });
  });
});
