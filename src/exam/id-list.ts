import { UserError } from '../util/errors.js';

/**
 * An exam list as users write it: ids, ranges and "all" — "112-116,119,120",
 * "112..116", "all". A range takes the allowed editions inside it (there is no
 * 117th or 118th in the data); every id must be allowed.
 */
export function parseExamIdList(spec: string, allowed: readonly string[], flagName = '--exams'): string[] {
  const sorted = [...allowed].sort((a, b) => Number(a) - Number(b));
  if (spec.trim() === 'all') return sorted;
  const out: string[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = /^(\d+)\s*(?:-|\.\.)\s*(\d+)$/.exec(part);
    let ids: string[];
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to) throw new UserError(`${flagName}: range "${part}" runs backwards`);
      ids = sorted.filter((id) => Number(id) >= from && Number(id) <= to);
      if (ids.length === 0) throw new UserError(`${flagName}: no exam in ${part}; available: ${sorted.join(', ')}`);
    } else ids = [part];
    for (const id of ids) {
      if (!allowed.includes(id)) throw new UserError(`${flagName}: ${id} is not one of ${sorted.join(', ')}`);
      if (!out.includes(id)) out.push(id);
    }
  }
  if (out.length === 0) throw new UserError(`${flagName} needs at least one exam, e.g. 112-116,119,120 or all`);
  return out;
}
