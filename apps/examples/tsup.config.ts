import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    tour: 'src/cli/tour.ts',
    mnist: 'src/cli/mnist.ts',
    cora: 'src/cli/cora.ts',
    mutag: 'src/cli/mutag.ts',
    'graph-readme': 'src/graph/readme-gcn.ts',
    'grid-p4': 'src/grid-p4-equivariance.ts',
    'grid-rotmnist-quick': 'src/grid-rotmnist-quick.ts',
    'mesh-correspondence': 'src/mesh/correspondence.ts',
    'grid-rotmnist': 'src/grid-rotmnist/main.ts',
    'info-plane': 'src/info-plane/cli.ts',
    sphere: 'src/sphere/spherical-mnist.ts',
  },
  format: ['esm'],
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
});
