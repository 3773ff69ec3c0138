import { defineConfig } from 'vitest/config';

// One vitest run over every workspace that has tests: `npm test` at the root.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
