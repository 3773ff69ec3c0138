import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'mesh-gauge', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
