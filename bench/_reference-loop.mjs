// The reference harness's loop (JMLE2026-Bench benchmark.py, `main` and `process_question`), re-expressed
// as a minimal Node program, for bench/run-overhead.mjs: read the dataset JSON, build each question's two
// messages, ask `--parallel` at a time through a worker pool (the reference's ThreadPoolExecutor), parse
// `【回答】…`, print a line per answer and a tally every 10, then rescore, summarise and write the result
// file with indent 2. A keep-alive node:http client stands in for the Python SDK (no SDK overhead at all:
// the lightest client a loop could have). Blind image mode, all blocks, no resume.
//
// Usage: node bench/_reference-loop.mjs DATA_ROOT BASE_URL PARALLEL OUT
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dataRoot, baseUrl, parallelArg, outPath] = process.argv.slice(2);
const parallel = Number(parallelArg);
const dataset = JSON.parse(readFileSync(join(dataRoot, 'jmle2026', 'jmle2026_dataset.json'), 'utf8'));

const PREAMBLE = 'あなたは医師国家試験を解く医学の専門家です。';
const FORMAT = '最終回答は必ず以下の形式で出力してください:\n【回答】';
function systemPrompt(e) {
  if (e.question_type === 'calculation') return `${PREAMBLE}\n問題を読み、数値で回答してください。\n\n${FORMAT}3.14`;
  const n = e.num_choices_to_select;
  return `${PREAMBLE}\n問題を読み、正解を${n}つ選んでください。\n\n${FORMAT}${['a', 'c', 'e'].slice(0, n).join(',')}`;
}
function userContent(e) {
  const text = e.serial_group ? `${e.serial_group.context_text}\n\n${e.question_text}` : e.question_text;
  return [{ type: 'text', text }];
}
function parseAnswer(raw, type) {
  const m = /【回答】\s*(.+)/.exec(raw);
  if (!m) return [[], false];
  const s = m[1].trim();
  if (type === 'calculation') return [[s], true];
  const letters = [
    ...new Set(
      s
        .replace(/[*_`#]/g, '')
        .trim()
        .split(/[,、\s]+/)
        .filter((t) => /^[a-eA-E]$/.test(t))
        .map((t) => t.toLowerCase()),
    ),
  ].sort();
  return [letters, letters.length > 0];
}
const same = (a, b) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const url = new URL(`${baseUrl.replace(/\/$/, '')}/chat/completions`);
function post(body) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: 'Bearer dummy' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function processQuestion(e) {
  try {
    const resp = await post({
      model: 'bench',
      messages: [
        { role: 'system', content: systemPrompt(e) },
        { role: 'user', content: userContent(e) },
      ],
    });
    const msg = resp.choices[0].message;
    const raw = msg.content ?? '';
    const reasoning = msg.reasoning || msg.reasoning_content || null;
    let [predicted, ok] = parseAnswer(raw, e.question_type);
    if (!ok && reasoning) [predicted, ok] = parseAnswer(reasoning, e.question_type);
    const r = {
      question_id: e.question_id,
      predicted,
      gold: e.answer,
      correct: ok && same(predicted, e.answer),
      raw_response: raw,
      parse_success: ok,
      error: null,
    };
    if (reasoning !== null) r.reasoning = reasoning;
    return r;
  } catch (err) {
    return { question_id: e.question_id, predicted: [], gold: e.answer, correct: false, raw_response: '', parse_success: false, error: String(err) };
  }
}

const results = [];
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(parallel, dataset.length) }, async () => {
    while (next < dataset.length) {
      const r = await processQuestion(dataset[next++]);
      results.push(r);
      console.log(`  ${r.error ? '!' : !r.parse_success ? '?' : r.correct ? 'o' : 'x'} ${r.question_id}`);
      if (results.length % 10 === 0 || results.length === dataset.length)
        console.log(`  [${results.length}/${dataset.length}] ${results.filter((x) => x.correct).length}/${results.length} correct`);
    }
  }),
);
agent.destroy();

// Rescore against the dataset, sort, summarise (the reference's compute_summary: totals, points, by block/type/image).
const byId = new Map(dataset.map((e) => [e.question_id, e]));
for (const r of results) if (r.parse_success) r.correct = same(r.predicted, byId.get(r.question_id).answer);
results.sort((a, b) => (a.question_id < b.question_id ? -1 : 1));
const points = (e) => (['B', 'E'].includes(e.block) && Number(e.question_id.split('-')[1]) > 25 ? 3 : 1);
const s = {
  correct: 0,
  score: 0,
  score_max: 0,
  required_score: 0,
  required_score_max: 0,
  general_score: 0,
  general_score_max: 0,
  parse_failures: 0,
  errors: 0,
};
const groups = { by_block: {}, by_type: {}, by_image: {} };
for (const r of results) {
  const e = byId.get(r.question_id);
  const p = points(e);
  const req = ['B', 'E'].includes(e.block);
  s.correct += r.correct ? 1 : 0;
  s.parse_failures += r.parse_success ? 0 : 1;
  s.errors += r.error ? 1 : 0;
  s.score_max += p;
  s.score += r.correct ? p : 0;
  s[req ? 'required_score_max' : 'general_score_max'] += p;
  s[req ? 'required_score' : 'general_score'] += r.correct ? p : 0;
  for (const [g, k] of [
    ['by_block', e.block],
    ['by_type', e.question_type],
    ['by_image', e.requires_image ? 'with_image' : 'text_only'],
  ]) {
    const t = (groups[g][k] ??= { correct: 0, total: 0 });
    t.total++;
    t.correct += r.correct ? 1 : 0;
  }
}
const summary = { accuracy: Number((s.correct / results.length).toFixed(4)), ...s, ...groups };
const metadata = {
  model: 'bench',
  base_url: baseUrl,
  image_mode: 'blind',
  extra_body: null,
  total_questions: dataset.length,
  attempted: dataset.length,
  skipped_image: 0,
};
writeFileSync(outPath, JSON.stringify({ metadata, summary, results }, null, 2));
console.log(`  Score: ${s.score}/${s.score_max}  Accuracy: ${s.correct}/${results.length}`);
