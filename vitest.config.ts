import { defineConfig } from 'vitest/config';

// Tests sit beside the code (src/**/*.test.ts); browser end-to-end tests live in test/e2e.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
