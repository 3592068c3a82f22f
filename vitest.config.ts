import { defineConfig } from 'vitest/config';

// Integration suites share the machine's Postgres and Redis; keep parallelism modest for 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
