import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'sphere', include: ['test/**/*.test.ts'] },
});
