#!/usr/bin/env node
// stats: what the statistics of issue 11 cost, and how well calibrated they are, at sizes too big for the unit tier.
//
// 1. Speed. A leaderboard with uncertainty for 100 runs × 5 epochs on the real 120th (its design: points,
//    parts, serial cases): outcomes built from records, then every run's epoch statistics, score/accuracy
//    intervals, both P(pass), the rank ranges and the leader's paired tests (Holm). The runs are synthetic
//    (models matched to the 10 published runs' accuracies, 10 copies each, 5 independent epochs), so
//    their spread is realistic. Timed cold (first call in the process: plans drawn, JIT) and warm.
//    Goal: under 2 s.
// 2. Calibration (src/stats/simulate.ts models on the 120th's structure, fixed seeds), the same
//    statements as test/unit/stats-calibration.test.ts with more experiments and resamples:
//    interval coverage, clustered vs naive, P(pass) reliability, and the estimators they were chosen over.
//
// Writes bench/out/stats.json and the "## stats" section of BENCHMARKS.md. Needs `npm run build` first.
// BENCH_STATS_SCALE (default 1) multiplies the number of experiments.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dataRoot, repo, writeBenchmarksSection, writeRawFigures } from './_shared.mjs';

const SCALE = Number(process.env.BENCH_STATS_SCALE ?? 1);
const load = (p) => import(pathToFileURL(join(repo, 'dist', ...p.split('/'))).href);
const lib = await load('index.js');
const st = await load('stats/index.js');
const sim = await load('stats/simulate.js');
const { similarExamDraws } = await load('stats/pass.js');
const { resamplingPlan } = await load('stats/plan.js');
const { resampleMeans, totalFraction } = await load('stats/resample.js');
const { percentileInterval } = await load('stats/options.js');
const { mulberry32 } = lib;

const ms = (t0) => Math.round((performance.now() - t0) * 10) / 10;
const pct = (x) => `${(100 * x).toFixed(1)}%`;

// ---------------------------------------------------------------- 1. speed

const { exam } = lib.loadExam({ dataDir: dataRoot });
const { runs: published } = lib.loadResultDir(join(dataRoot, 'jmle2026', 'results'), { dataDir: dataRoot });
const design = st.examDesign(exam);
const rand = mulberry32(2026);
// 100 synthetic runs, each matched to a published run's part accuracies; 5 epochs each, as records.
const recordsPerRun = [];
for (let i = 0; i < 100; i++) {
  const real = published[i % published.length];
  const s = real.summary;
  const model = {
    requiredLogit: sim.logitForMean(Math.min(0.995, s.required_score / 200), 2),
    generalLogit: sim.logitForMean(Math.min(0.995, s.general_score / 300), 2),
    spread: 2,
    caseCorrelation: 0.5,
  };
  const o = sim.drawOutcomes(design, sim.drawAbilities(design, model, rand), 5, rand);
  const n = design.ids.length;
  const byId = new Map(real.file.results.map((r) => [r.question_id, r]));
  const epochs = [];
  for (let e = 0; e < 5; e++) {
    epochs.push(
      design.ids.map((id, q) => {
        const ok = o.correct[e * n + q] === 1;
        const r = byId.get(id);
        return { question_id: id, correct: ok, predicted: ok ? r.gold : ['z'], parse_success: true };
      }),
    );
  }
  recordsPerRun.push(epochs);
}

const cpuMs = (c) => {
  const u = process.cpuUsage(c);
  return Math.round((u.user + u.system) / 100) / 10;
};
function leaderboard(pairs) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const outcomes = recordsPerRun.map((epochs) => st.outcomesFromRecords(design, exam, epochs));
  const tOutcomes = ms(t0);
  const t1 = performance.now();
  const lb = st.leaderboardUncertainty(design, outcomes, { pairs });
  return { outcomes_ms: tOutcomes, statistics_ms: ms(t1), total_ms: ms(t0), cpu_ms: cpuMs(c0), lb };
}
const load1 = loadavg()[0];
const cores = availableParallelism();
const cold = leaderboard('leader');
const warm = leaderboard('leader');
const allPairs = leaderboard('all');
const speed = {
  runs: 100,
  epochs: 5,
  resamples: st.DEFAULT_RESAMPLES,
  load_average_1min: Math.round(load1 * 10) / 10,
  cold: { outcomes_ms: cold.outcomes_ms, statistics_ms: cold.statistics_ms, total_ms: cold.total_ms, cpu_ms: cold.cpu_ms },
  warm: { outcomes_ms: warm.outcomes_ms, statistics_ms: warm.statistics_ms, total_ms: warm.total_ms, cpu_ms: warm.cpu_ms },
  all_pairs_warm_total_ms: allPairs.total_ms,
  all_pairs_warm_cpu_ms: allPairs.cpu_ms,
  pairs_tested_all: allPairs.lb.pairs.length,
};
console.log(JSON.stringify(speed, null, 2));

// ---------------------------------------------------------------- 2. calibration

const syn = sim.syntheticDesign120();
const uniform = (r, lo, hi) => lo + (hi - lo) * r();
function drawModel(r, required, general) {
  const spread = uniform(r, 1.5, 2.5);
  return {
    requiredLogit: sim.logitForMean(uniform(r, ...required), spread),
    generalLogit: sim.logitForMean(uniform(r, ...general), spread),
    spread,
    caseCorrelation: uniform(r, 0, 0.8),
  };
}
const covers = (i, x) => i.low <= x && x <= i.high;

function coverage(label, epochs, required, general, N, withPercentile) {
  const r = mulberry32(1000 + epochs);
  const plan = withPercentile ? resamplingPlan(syn, 1000, 3) : null;
  let score = 0;
  let accuracy = 0;
  let percentile = 0;
  for (let x = 0; x < N; x++) {
    const m = drawModel(r, required, general);
    const truth = sim.modelTruth(syn, m);
    const means = st.questionMeans(syn, sim.drawOutcomes(syn, sim.drawAbilities(syn, m, r), epochs, r));
    if (covers(st.scoreEstimate(syn, means, epochs).interval, truth.scoreFraction)) score++;
    if (covers(st.accuracyEstimate(syn, means, epochs).interval, truth.accuracy)) accuracy++;
    if (plan) {
      const miss = Float64Array.from(means, (v) => 1 - v);
      if (covers(percentileInterval(totalFraction(syn, resampleMeans(syn, plan, miss, null)), 0.95), truth.scoreFraction)) percentile++;
    }
  }
  return { label, epochs, experiments: N, score: score / N, accuracy: accuracy / N, percentile_score: plan ? percentile / N : null };
}

function clustering(rho, N) {
  const ids = Array.from({ length: 297 }, (_, i) => `Q${i}`);
  const make = (grouped) =>
    st.buildDesign({
      ids,
      points: ids.map(() => 1),
      required: ids.map(() => 0),
      block: ids.map((_, i) => 'ABC'[Math.floor(i / 99)]),
      group: ids.map((_, i) => (grouped ? `c${Math.floor(i / 3)}` : null)),
      rules: { requiredMax: 0, generalMax: 297, requiredPass: 0, generalPass: 200, kinkiMax: 3, kinkiDisclosed: false },
    });
  const clustered = make(true);
  const naive = make(false);
  const r = mulberry32(2000 + Math.round(rho * 10));
  let wc = 0;
  let wn = 0;
  let cc = 0;
  let cn = 0;
  for (let x = 0; x < N; x++) {
    const spread = uniform(r, 1.5, 2.5);
    const g = sim.logitForMean(uniform(r, 0.75, 0.97), spread);
    const m = { requiredLogit: g, generalLogit: g, spread, caseCorrelation: rho };
    const truth = sim.modelTruth(clustered, m).scoreFraction;
    const means = st.questionMeans(clustered, sim.drawOutcomes(clustered, sim.drawAbilities(clustered, m, r), 1, r));
    const c = st.scoreEstimate(clustered, means, 1).interval;
    const nv = st.scoreEstimate(naive, means, 1).interval;
    wc += c.high - c.low;
    wn += nv.high - nv.low;
    if (covers(c, truth)) cc++;
    if (covers(nv, truth)) cn++;
  }
  return { rho, experiments: N, width_ratio: wc / wn, clustered: cc / N, naive: cn / N };
}

function reliability(pairs) {
  const bins = Array.from({ length: 5 }, () => ({ n: 0, estimate: 0, truth: 0 }));
  for (const [e, t] of pairs) {
    const b = bins[Math.min(4, Math.floor(e * 5))];
    b.n++;
    b.estimate += e;
    b.truth += t;
  }
  const table = bins.map((b) => ({ n: b.n, estimate: b.n ? b.estimate / b.n : null, truth: b.n ? b.truth / b.n : null }));
  const ece = table.reduce((s, b) => s + (b.n ? (b.n / pairs.length) * Math.abs(b.estimate - b.truth) : 0), 0);
  return { table, ece };
}

function rerunCalibration(N) {
  const r = mulberry32(3000);
  const eb = [];
  const plug = [];
  for (let x = 0; x < N; x++) {
    const p = sim.drawAbilities(syn, drawModel(r, [0.72, 0.9], [0.66, 0.84]), r);
    const truth = st.passProbabilityIndependent(syn, p, null);
    const o = sim.drawOutcomes(syn, p, 5, r);
    eb.push([st.passOnRerun(syn, o).p, truth]);
    plug.push([
      st.passProbabilityIndependent(
        syn,
        Float64Array.from(st.correctCounts(syn, o), (k) => k / 5),
        null,
      ),
      truth,
    ]);
  }
  return { experiments: N, epochs: 5, empirical_bayes: reliability(eb), plug_in: reliability(plug) };
}

function examCalibration(N, epochs, B) {
  const r = mulberry32(4000 + epochs);
  const pred = [];
  const plug = [];
  for (let x = 0; x < N; x++) {
    const m = drawModel(r, [0.66, 0.98], [0.62, 0.95]);
    const truth = sim.newExamPassProbability(syn, m);
    const o = sim.drawOutcomes(syn, sim.drawAbilities(syn, m, r), epochs, r);
    pred.push([st.passOnSimilarExam(syn, o, { resamples: B, seed: 1 }).p, truth]);
    const d = similarExamDraws(syn, o, { resamples: B, seed: 1, plugIn: true });
    let pass = 0;
    for (let b = 0; b < B; b++) if (d.required[b] >= 159.5 && d.general[b] >= 223.5) pass++;
    plug.push([pass / B, truth]);
  }
  return { experiments: N, epochs, resamples: B, predictive: reliability(pred), plug_in: reliability(plug) };
}

const t0 = performance.now();
const calibration = {
  coverage: [
    coverage('80–98% accuracy', 1, [0.8, 0.99], [0.78, 0.98], 4000 * SCALE, true),
    coverage('80–98% accuracy', 5, [0.8, 0.99], [0.78, 0.98], 4000 * SCALE, true),
    coverage('95–99.8% accuracy', 1, [0.96, 0.998], [0.95, 0.995], 4000 * SCALE, true),
  ],
  clustering: [clustering(0.9, 3000 * SCALE), clustering(0, 3000 * SCALE)],
  rerun: rerunCalibration(2000 * SCALE),
  exam: [examCalibration(2000 * SCALE, 1, 1000), examCalibration(1000 * SCALE, 5, 1000)],
};
const calibrationMs = ms(t0);
console.log(JSON.stringify(calibration, null, 1));

const result = { at: new Date().toISOString(), node: process.version, speed, calibration, calibration_ms: calibrationMs };
writeRawFigures('stats', result);

// ---------------------------------------------------------------- BENCHMARKS.md

const binRow = (name, rel) =>
  `| ${name} | ${rel.table.map((b) => (b.n ? `${b.estimate.toFixed(2)} / ${b.truth.toFixed(2)} (${b.n})` : '–')).join(' | ')} | ${rel.ece.toFixed(3)} |`;
const section = [
  '## stats',
  '',
  `\`node bench/stats.mjs\` (${result.at.slice(0, 10)}, Node ${result.node}): the statistics of repeated runs (\`src/stats\`, README "Uncertainty: how sure the numbers are").`,
  '',
  `**Speed.** A leaderboard with uncertainty for ${speed.runs} runs × ${speed.epochs} epochs on the 120th (400 questions; synthetic runs matched to the published runs' accuracies): outcomes built from 500 epochs of records, then per run the epoch statistics, score and accuracy intervals, P(pass) on a rerun and on a similar exam, the rank ranges (${speed.resamples} joint resamples) and the leader's paired tests with Holm. Goal: under 2 s.`,
  '',
  '| Step | cold (first call) | warm |',
  '|------|------|------|',
  `| outcomes from records | ${speed.cold.outcomes_ms} ms | ${speed.warm.outcomes_ms} ms |`,
  `| statistics (leader's tests) | ${speed.cold.statistics_ms} ms | ${speed.warm.statistics_ms} ms |`,
  `| **total, wall** | **${speed.cold.total_ms} ms** | **${speed.warm.total_ms} ms** |`,
  `| total, CPU of this process | ${speed.cold.cpu_ms} ms | ${speed.warm.cpu_ms} ms |`,
  `| total with all ${speed.pairs_tested_all} pairs tested, wall / CPU | – | ${speed.all_pairs_warm_total_ms} ms / ${speed.all_pairs_warm_cpu_ms} ms |`,
  '',
  `Load average during the run: ${speed.load_average_1min} on this ${cores}-core VM (other work shares it; wall times stretch with the load, CPU times much less).`,
  '',
  'Cold includes drawing the two resampling plans (clusters only, and clusters × epochs) once for all runs. What keeps it fast: plans shared by every run, typed arrays, and only the questions a run missed touching the resamples (a question missed in every epoch costs one pass, not five).',
  '',
  `**Calibration** (synthetic models on the 120th's structure, fixed seeds; ${(calibrationMs / 1000).toFixed(0)} s). Coverage of 95% intervals for the expected score % and accuracy on exams like this one (target 93–97%):`,
  '',
  '| models | epochs | experiments | score % (Wilson, clustered n_eff) | accuracy | score %, percentile bootstrap |',
  '|---|---|---|---|---|---|',
  ...calibration.coverage.map(
    (c) =>
      `| ${c.label} | ${c.epochs} | ${c.experiments} | ${pct(c.score)} | ${pct(c.accuracy)} | ${c.percentile_score === null ? '–' : pct(c.percentile_score)} |`,
  ),
  '',
  'Clustered against naive intervals on a case-based exam (297 questions, all in cases of three):',
  '',
  '| latent correlation within a case | experiments | width clustered / naive | coverage clustered | coverage naive |',
  '|---|---|---|---|---|',
  ...calibration.clustering.map((c) => `| ${c.rho} | ${c.experiments} | ${c.width_ratio.toFixed(3)} | ${pct(c.clustered)} | ${pct(c.naive)} |`),
  '',
  'P(pass) reliability: per bin of the estimate (width 0.2), mean estimate / mean true probability (experiments); ECE = weighted mean gap.',
  '',
  '| estimator | 0–0.2 | 0.2–0.4 | 0.4–0.6 | 0.6–0.8 | 0.8–1 | ECE |',
  '|---|---|---|---|---|---|---|',
  binRow(`rerun, 5 epochs: empirical-Bayes beta prior (used) — ${calibration.rerun.experiments} experiments`, calibration.rerun.empirical_bayes),
  binRow('rerun, 5 epochs: plug-in k/K', calibration.rerun.plug_in),
  ...calibration.exam.flatMap((e) => [
    binRow(`similar exam, ${e.epochs} epoch(s): predictive bootstrap (used) — ${e.experiments} experiments, ${e.resamples} resamples`, e.predictive),
    binRow(`similar exam, ${e.epochs} epoch(s): plug-in bootstrap`, e.plug_in),
  ]),
  '',
  'Raw figures: `bench/out/stats.json`.',
  '',
].join('\n');
writeBenchmarksSection('stats', section);
