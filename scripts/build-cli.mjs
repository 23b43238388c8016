#!/usr/bin/env node
// Bundles the CLI: src/cli/main.ts → dist/cli/main.js, its commands in dist/cli/chunks/. Part of
// `npm run build`, after tsc (the library, dist/index.js and the rest, stays tsc's output: one file per
// module, with declarations).
//
// Why: a run's start-up is its time to the first request, and Node 20 resolves, reads, compiles and
// links every ES module on its own (there is no compile cache before Node 22). The `run` command's
// static graph is ~65 small modules; bundled, with that graph in one chunk (`core`, which the other
// commands share too), it loads as one file
// (BENCHMARKS.md, "run overhead"). Every module the run command imports statically goes into the `core`
// chunk; what any command loads lazily (a command, a native provider, the batch phase, the report
// after the run) stays a chunk of its own, loaded when used. Packages (openai, zod, the native
// providers' SDKs…) stay imports of node_modules. Any warning fails the build.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const packages = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
const isPackage = (id) => packages.some((p) => id === p || id.startsWith(`${p}/`));

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
const bundle = await rolldown({
  input: join(root, 'src', 'cli', 'main.ts'),
  platform: 'node',
  tsconfig: join(root, 'tsconfig.json'),
  external: (id) => id.startsWith('node:') || isPackage(id),
  transform: { target: 'node20' },
  plugins: [graph],
  onLog(_level, log) {
    throw new Error(`bundling the CLI: ${log.message}`);
  },
});
await bundle.write({
  dir: outDir,
  format: 'esm',
  entryFileNames: 'main.js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: true,
  codeSplitting: { groups: [{ name: 'core', test: inRunGraph }] },
});
await bundle.close();
