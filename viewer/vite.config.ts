import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The viewer front-end: built into dist/viewer/app/, served by `jmle-bench view`
// and copied by `jmle-bench export-site`. Relative base so it works from any folder.
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/viewer/app/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
