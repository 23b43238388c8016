import type { BatchEvent } from '../../runner/batch.js';
import type { BenchmarkResult, RunPlan } from '../../runner/benchmark.js';
import type { PriorRun } from '../../runner/resume.js';
import { RUN_DEFAULTS, type RunSpec } from '../../runner/spec.js';

/**
 * What `run` tells the user in words: the settings it starts with, and the
 * moments of a batch's life (its polls go to the progress display).
 */

/** The lines a batch's life is worth (its polls go to the progress display). */
export function batchNote(e: BatchEvent): string | null {
  switch (e.kind) {
    case 'submitted':
      return `  batch ${e.id} submitted: ${e.items} requests${e.parts > 1 ? ` (part ${e.part} of ${e.parts})` : ''}; Ctrl-C leaves it running and --resume attaches to it`;
    case 'attached':
      return `  batch ${e.id}: attached again, ${e.items} requests to collect`;
    case 'ended':
      return `  batch ${e.id} ${e.status}: ${e.answered} answered${e.rest > 0 ? `, ${e.rest} asked again one by one` : ''}${e.note ? ` (${e.note})` : ''}`;
    case 'gone':
      return `  ! batch ${e.id} is no longer there (${e.message}): its ${e.items} requests are asked one by one`;
    default:
      return null;
  }
}

export function startLines(spec: RunSpec, baseUrl: string | null, plan: RunPlan, prior: PriorRun | null, cachePath: string): string[] {
  const { task, model, schedule } = spec;
  const random = model.provider === 'random';
  const lines = [`  model:       ${model.model}${random ? ' (offline chance-level baseline)' : ''}`];
  if (!random && model.provider !== RUN_DEFAULTS.provider) lines.push(`  provider:    ${model.provider}`);
  if (baseUrl) lines.push(`  base_url:    ${baseUrl}`);
  lines.push(`  exam:        ${task.exam.rules.title} (dataset ${task.exam.version.slice(0, 12)})`, `  image_mode:  ${task.imageMode}`);
  if (model.settings.extraBody) lines.push(`  extra_body:  ${JSON.stringify(model.settings.extraBody)}`);
  lines.push(`  questions:   ${plan.selected.length}${task.epochs > 1 ? ` × ${task.epochs} epochs` : ''}`);
  if (plan.skippedImage) lines.push(`  skipped:     ${plan.skippedImage} (image questions)`);
  if (prior !== null) {
    const { tornLastLine, damagedLines } = prior.journalDamage;
    const notes = [
      ...(tornLastLine ? ['its torn last line skipped (normal after a crash)'] : []),
      ...(damagedLines > 0
        ? [`${damagedLines} damaged journal line(s) before the last skipped: a crash does not do that; check what else wrote to ${plan.journal}`]
        : []),
    ];
    lines.push(`  resumed:     ${plan.kept} kept, ${plan.toAsk.length} to ask${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  if (schedule.batch) lines.push(`  batch:       yes (the provider's batch API: half price, answers within 24 h)`);
  const openBatches = prior?.openBatches.length ?? 0;
  if (openBatches > 0) lines.push(`  batches:     ${openBatches} still open from the interrupted run: attaching`);
  lines.push(`  parallel:    ${schedule.parallel === 'auto' ? `auto (up to ${schedule.maxParallel})` : schedule.parallel}`);
  if (schedule.cache) lines.push(`  cache:       ${cachePath}`);
  lines.push(`  journal:     ${plan.journal}`);
  return lines;
}

/** What `--parallel auto` settled on and what the cache answered, when either was used. */
export function trafficLines(spec: RunSpec, result: BenchmarkResult): string[] {
  const lines: string[] = [];
  if (spec.schedule.parallel === 'auto')
    lines.push(`  parallel auto: at most ${result.peakInFlight} in flight, ${result.rejectedRequests} request(s) rejected by the server`);
  if (spec.schedule.cache) lines.push(`  cache: ${result.cacheHits} of ${result.plan.toAsk.length} answered from the cache`);
  if (result.cacheProblem) lines.push(`  warning: some answers were not stored in the cache: ${result.cacheProblem}`);
  return lines;
}
