import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { mnist: 'src/cli/mnist.ts' },
  format: ['esm'],
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
