import { defineConfig } from 'tsup';

export default defineConfig({
  // The testing entry shares chunks with the main one, so its tensors are core's own Tensor class.
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
});
