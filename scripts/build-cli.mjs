#!/usr/bin/env node
// Bundles the CLI. Part of `npm run build`, after tsc (the library, dist/index.js and the rest, stays tsc's
// output: one file per module, with declarations).
//   dist/cli/app/   src/cli/main.ts and everything it loads, as CommonJS: main-<hash>.cjs, chunks/*-<hash>.cjs
//   dist/cli/main.cjs the `jmle-bench` program (src/cli/bin.ts): loads the app with its compile cache
//
// Why: a run's start-up is its time to the first request, and on Node 20 that is mostly compiling. Every
// ES module is resolved, read, compiled and linked on its own, and there is no compile cache (Node 22 has
// one). So the app is one bundle: every module the run command imports statically goes into its `core`
// chunk; what any command loads lazily (a command, a native provider, the batch phase, the report after
// the run) stays a chunk of its own, loaded when used. And it is CommonJS, because a CommonJS file can be
// compiled as a vm.Script with V8's code cache (src/cli/compile-cache.ts), which an ES module cannot on
// Node 20: the program loads each file with the code V8 compiled for it the last time
// (BENCHMARKS.md, "run overhead"). Every file's name carries a hash of its content: V8 checks a cached
// file's length, not its text, so a cache is found by that name alone.
// The files are ASCII (other characters escaped) and keep no doc comments: V8 then holds each source as a
// one-byte string, and Node reads it without decoding UTF-8 (the `core` chunk read and compiled from its cache
// ~0.4 ms sooner, and half the memory for its text); the source maps still point into src/.
// Packages (openai, zod, the native providers' SDKs…) stay `require`s of node_modules; dynamic imports of
// them become `require`s too (V8 drops an `import()`'s loader from cached code on Node 20). Any warning
// fails the build.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
const isPackage = (id) => packages.some((p) => id === p || id.startsWith(`${p}/`));

// The bundle's build, defined into it (src/version.ts): the version (no package.json to read at start-up) and a
// hash of every source it is made from, which keys what it keeps in the cache (src/exam/prepared.ts).
function sourcesHash() {
  const hash = createHash('sha256');
  const files = [join(root, 'package.json'), fileURLToPath(import.meta.url)];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) (e.isDirectory() ? walk : (p) => files.push(p))(join(dir, e.name));
  };
  walk(join(root, 'src'));
  for (const f of files.sort())
    hash
      .update(`${relative(root, f)}\0`)
      .update(readFileSync(f))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}
const buildDefines = { JMLE_BUILD_VERSION: JSON.stringify(pkg.version), JMLE_BUILD_SOURCES: JSON.stringify(sourcesHash()) };

// Static imports of every module, as parsed (type-only imports are gone by then).
const imports = new Map();
const graph = { name: 'static-graph', moduleParsed: (info) => imports.set(info.id, info.importedIds) };
let runGraph;
/** The modules `run` loads before its first request: its command module and everything it imports statically. */
function inRunGraph(id) {
  if (!runGraph) {
    runGraph = new Set();
    const stack = [join(root, 'src', 'cli', 'commands', 'run.ts')];
    while (stack.length > 0) {
      const m = stack.pop();
      if (runGraph.has(m) || !imports.has(m)) continue;
      runGraph.add(m);
      stack.push(...imports.get(m));
    }
  }
  return runGraph.has(id);
}

const outDir = join(root, 'dist', 'cli');
rmSync(outDir, { recursive: true, force: true });
const external = (id) => id.startsWith('node:') || isPackage(id);
const onLog = (_level, log) => {
  throw new Error(`bundling the CLI: ${log.message}`);
};

const app = await rolldown({
  input: join(root, 'src', 'cli', 'main.ts'),
  platform: 'node',
  tsconfig: join(root, 'tsconfig.json'),
  external,
  transform: { target: 'node20', define: buildDefines },
  plugins: [graph],
  onLog,
});
const { output } = await app.write({
  dir: join(outDir, 'app'),
  format: 'cjs',
  charset: 'ascii',
  comments: { legal: true, annotation: false, jsdoc: false },
  dynamicImportInCjs: false,
  entryFileNames: 'main-[hash].cjs',
  chunkFileNames: 'chunks/[name]-[hash].cjs',
  sourcemap: true,
  codeSplitting: { groups: [{ name: 'core', test: inRunGraph }] },
});
await app.close();
for (const chunk of output) {
  if (chunk.type === 'chunk' && /\bimport\(/.test(chunk.code))
    throw new Error(`bundling the CLI: ${chunk.fileName} keeps an import(), which cached code cannot run on Node 20`);
}
const entry = output.find((c) => c.type === 'chunk' && c.isEntry);

const bin = await rolldown({
  input: join(root, 'src', 'cli', 'bin.ts'),
  platform: 'node',
  tsconfig: join(root, 'tsconfig.json'),
  external,
  transform: { target: 'node20', define: { CLI_ENTRY: JSON.stringify(`app/${entry.fileName}`) } },
  onLog,
});
await bin.write({
  file: join(outDir, 'main.cjs'),
  format: 'cjs',
  charset: 'ascii',
  comments: { legal: true, annotation: false, jsdoc: false },
  sourcemap: true,
});
await bin.close();
