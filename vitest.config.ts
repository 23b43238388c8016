import { defineConfig } from 'vitest/config';

/**
 * Three tiers (README, "Tests"):
 * - unit: no data, no build, no network, no browser; small exam fixtures; seconds.
 * - integration: the real data ($JMLE_DATA_DIR, else the download cache), the built CLI, local HTTP servers.
 * - browser: the viewer in Debian's Chromium.
 * `npm test` builds and runs all three; `npm run test:unit` runs the first alone.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 20_000 } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
    ],
  },
});
