import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code, and integration tests that run real SQL on the
// embedded PostgreSQL (PGlite) or, with ARBOR_TEST_DATABASE_URL, on a PostgreSQL server.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          // Timeouts only guard against a hung test: speed is measured by the benchmarks, and a CI
          // machine shared with other jobs can run a CPU-bound test several times slower.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
