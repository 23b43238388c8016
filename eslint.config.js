// House rules: typescript-eslint's type-checked recommended rules; formatting is prettier's
// (eslint-config-prettier turns off the rules that would clash with it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'fetch', 'AbortController'].map((g) => [
    g,
    'readonly',
  ]),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'site/**', 'results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['viewer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // An async function that implements a Promise-returning interface (a command's run, a
      // provider's complete) need not await anything; turning it into a plain function returning
      // Promise.resolve would only hide where errors go.
      '@typescript-eslint/require-await': 'off',
      // Leaving a field out by destructuring (`const { a: _a, ...rest } = r`) is how a copy drops it.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Japanese text uses the ideographic space (U+3000) in strings, patterns and comments.
      'no-irregular-whitespace': ['error', { skipStrings: true, skipComments: true, skipRegExps: true, skipTemplates: true }],
    },
  },
  {
    // Tests read JSON from CLI output and HTTP bodies all the time; typing every parse would
    // add casts, not safety. The assertions check the values.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript scripts (benchmarks, manifest builder, this file): no type information.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
  {
    // A CommonJS script (bench/_rusage.cjs, preloaded with --require).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Functions passed to page.evaluate run in the browser.
    files: ['bench/viewer.mjs'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly' } },
  },
  prettier,
);
