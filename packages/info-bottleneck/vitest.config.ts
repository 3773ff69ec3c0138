import { defineProject } from 'vitest/config';

export default defineProject({
  // The root config's timeouts do not apply when running from this folder; the machine is shared.
  test: { name: 'info-bottleneck', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
