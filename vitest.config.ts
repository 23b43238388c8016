import { defineConfig } from 'vitest/config';

/**
 * Three tiers (README, "Tests"):
 * - unit: no data, no build, no network, no browser; small exam fixtures; seconds.
 * - integration: the real data ($JMLE_DATA_DIR, else the download cache), the built CLI, local HTTP servers.
 * - browser: the viewer in Debian's Chromium.
 * `npm test` builds and runs all three; `npm run test:unit` runs the first alone.
 *
 * The unit tier runs first, on its own, in worker threads on every core (its files start
 * faster in a thread than in a process: ~15 s against ~27 s with the defaults on 2 cores);
 * the other two, which spawn the CLI and servers, keep processes and Vitest's default count.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
          testTimeout: 20_000,
          pool: 'threads',
          maxWorkers: '100%',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
