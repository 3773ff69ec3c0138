/**
 * The tour's stops, in the order `npm start` runs them. Sizes are chosen so the whole tour finishes
 * in under ten minutes on a 2-core CPU (`--quick`: about a third of that); each example's README
 * section has the full-size runs.
 */
import type { TourTask } from './task.js';

const seedAndOut = (o: { seed: number; outDir: string }) => ['--seed', String(o.seed), '--out', o.outDir];

export const TOUR: readonly TourTask[] = [
  {
    name: 'grid',
    domain: 'Grids & Groups',
    description:
      'rotated MNIST: a p4 G-CNN (P4CNN) vs a plain CNN of the same size, and their data efficiency',
    backends: ['cpu'],
    script: 'grid-rotmnist.js',
    args: (o) => [
      ...(o.quick
        ? ['--train', '500', '--validation', '100', '--test', '500', '--curve', '200', '--epochs', '2']
        : ['--train', '800', '--validation', '200', '--test', '800', '--curve', '300', '--epochs', '3']),
      ...seedAndOut(o),
    ],
  },
  {
    name: 'sphere',
    domain: 'Geodesics',
    description:
      'spherical MNIST: a harmonic (rotation-equivariant) network vs a planar CNN, trained upright, tested rotated',
    backends: ['cpu'],
    script: 'sphere.js',
    args: (o) => [
      '--models',
      'harmonic,planar',
      '--epochs',
      o.quick ? '1' : '2',
      '--limit-per-class', // training digits per class of full MNIST (test: a quarter as many)
      o.quick ? '120' : '200',
      ...(o.quick ? ['--skip-table'] : []),
      ...seedAndOut(o),
    ],
  },
  {
    name: 'graph',
    domain: 'Graphs',
    description: 'GCN on the Cora citation graph (2,708 papers, 7 topics, 140 labelled)',
    backends: ['cpu', 'wasm'],
    script: 'cora.js',
    args: (o) => ['--model', 'gcn', '--epochs', o.quick ? '60' : '200', '--seed', String(o.seed)],
  },
  {
    name: 'mesh',
    domain: 'Gauges',
    // The geodesic polar CNN (the example's third model) is left out here: it costs as much as
    // GemConv and the tour must stay under ten minutes; `npm run example:mesh` runs all three.
    description: 'GemConv vs GCN: correspondence on deformed shapes of Spot the cow',
    backends: ['cpu'],
    script: 'mesh-correspondence.js',
    args: (o) => [
      '--models',
      'gem,gcn',
      '--epochs',
      o.quick ? '3' : '6',
      ...(o.quick ? ['--train', '30', '--test', '10'] : []),
      ...seedAndOut(o),
    ],
  },
  {
    name: 'info',
    domain: 'Information',
    description: 'the information plane of the 12-bit task (tanh network, 30-bin estimator)',
    backends: ['cpu'],
    script: 'info-plane.js',
    // Full batch (the example's default is IDNNs' minibatch protocol, 3–5 minutes): about a minute.
    args: (o) => [
      '--epochs',
      o.quick ? '2000' : '8000',
      '--batch-size',
      '3276',
      '--split',
      'shuffled',
      '--batch-order',
      'shuffled',
      ...seedAndOut(o),
    ],
  },
];
