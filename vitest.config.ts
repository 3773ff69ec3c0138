import { defineConfig } from 'vitest/config';

// One vitest run over every workspace package: `npm test` at the root.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/examples'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
