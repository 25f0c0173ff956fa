import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/tests/**/*.test.ts', 'test-fixtures/tests/**/*.test.ts', 'benchmarks/tests/**/*.test.ts'],
    // Building a TypeScript program over the MLX declarations takes seconds on two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Test files compile projects and run MLX in child processes; two workers fit two cores.
    maxWorkers: 2,
  },
});
