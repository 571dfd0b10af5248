import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Projects: fast unit tests, property suites that search with fast-check,
// the HTML report in a browser, and the attack suite of hostile models. All
// get the determinism guard and the fixed fast-check seed from test/setup.
const isCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

export default defineConfig({
  // The library's models and scenarios import the package by its name, as a
  // user's do; inside this repository that name means the source.
  resolve: {
    alias: [
      { find: /^chaos-testbed\/vitest$/, replacement: fileURLToPath(new URL('./sim/vitest/index.ts', import.meta.url)) },
      { find: /^chaos-testbed$/, replacement: fileURLToPath(new URL('./sim/index.ts', import.meta.url)) },
    ],
  },
  test: {
    globalSetup: ['test/setup/print-seed.ts'],
    setupFiles: ['test/setup/determinism-guard.ts', 'test/setup/fast-check-seed.ts'],
    reporters: isCi ? ['default', 'junit'] : ['default'],
    outputFile: isCi ? { junit: 'reports/out/junit.xml' } : {},
    projects: [
      {
        extends: true,
        // Timeouts are hang protection for tests that spawn the CLI several times
        // on a loaded 2-core machine; no test asserts a duration.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/regressions/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: 'props', include: ['test/props/**/*.test.ts'], testTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        // Hostile models and hostile input: every case bounded, every one a typed end.
        test: { name: 'attack', include: ['test/attack/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        // The packed package in a fresh project: two npm installs, so not part of `npm test`.
        test: { name: 'e2e', include: ['test/e2e/**/*.e2e.test.ts'], testTimeout: 300_000 },
      },
    ],
  },
});
