import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Server-backed suites share one PostgreSQL database and one Redis: run files one at a time
    // so their migrations and queues do not race.
    fileParallelism: false,
    reporters: ['default'],
  },
});
