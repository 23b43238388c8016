// What every benchmark script shares: where things are, and how results are written
// (raw figures to bench/out/<name>.json, a summary section to BENCHMARKS.md).
// The leading underscore keeps run-all.mjs from running this file as a benchmark.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(benchDir, '..');
/** The real data (a data root): $JMLE_DATA_DIR, else ../shared/data. */
export const dataRoot = resolve(process.env.JMLE_DATA_DIR ?? join(repo, '..', 'shared', 'data'));
export const resultsDir = join(dataRoot, 'jmle2026', 'results');

/** The median (the mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `x` to `d` decimals, as a number. */
export const round = (x, d) => Number(x.toFixed(d));

/** Write the raw figures to bench/out/<name>.json. */
export function writeRawFigures(name, data) {
  mkdirSync(join(benchDir, 'out'), { recursive: true });
  writeFileSync(join(benchDir, 'out', `${name}.json`), JSON.stringify(data, null, 2) + '\n');
}

/**
 * Replace (or append) the `## <name>` section of BENCHMARKS.md with `section`
 * (which starts with that heading), keeping a blank line before the next section.
 */
export function writeBenchmarksSection(name, section) {
  const mdPath = join(repo, 'BENCHMARKS.md');
  let doc = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmarks\n';
  const body = section.replace(/\n*$/, '\n');
  const start = doc.indexOf(`\n## ${name}\n`);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start + 1) + body + (next >= 0 ? `\n${doc.slice(next + 1)}` : '');
  } else {
    doc = doc.replace(/\n*$/, '\n\n') + body;
  }
  writeFileSync(mdPath, doc);
}

/**
 * The fake servers' answer key: the 120th's questions by the user text a run sends for them (needs `npm run build`).
 * `keyReply` answers a chat completion body with the question's key (the reply every benchmark server sends).
 */
export async function questionsByText() {
  const { loadExam, userText } = await import(pathToFileURL(join(repo, 'dist', 'index.js')).href);
  const { exam } = loadExam({ dataDir: dataRoot });
  return new Map(exam.questions.map((q) => [userText(q), q]));
}

/** The question a chat completion body asks (by its user text), or undefined; and that text. */
export function askedQuestion(body, byText) {
  const user = body.messages.find((m) => m.role === 'user');
  const text = typeof user.content === 'string' ? user.content : user.content.find((p) => p.type === 'text').text;
  return { text, question: byText.get(text) };
}

/** A chat completion reply answering `question` with its key (`unknown` when the question was not found). */
export function keyReply(body, text, question, n) {
  return JSON.stringify({
    id: `chatcmpl-${n}`,
    object: 'chat.completion',
    created: 0,
    model: body.model,
    choices: [
      { index: 0, message: { role: 'assistant', content: question ? `【回答】${question.answer.join(',')}` : 'unknown question' }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: text.length, completion_tokens: 8, total_tokens: text.length + 8 },
  });
}
