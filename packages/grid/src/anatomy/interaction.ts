import { type Generator, noGrad, randn, tensor, tidy } from '@erlangen/core';
import { argError, checkPositiveInt } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import { cyclicGroup } from '../groups/planar-group.js';
import { PointwiseNonLinearity } from '../nn/pointwise.js';
import { isotypicBasis, isotypicEnergies } from './isotypic.js';

/** A layer on one regular C_N field (a pointwise nonlinearity, say): GeometricTensor in, GeometricTensor out. */
export interface FieldLayer {
  forward(x: GeometricTensor): GeometricTensor;
}

export interface InteractionGraph {
  n: number;
  /** The frequencies k = 0 … ⌊n/2⌋ (isotypic components L_k of C_n's regular representation). */
  frequencies: number[];
  /** energy[i][j]: the fraction of the output energy in L_j (summed over samples) for inputs drawn at random from L_i. */
  energy: number[][];
  /** edges[i][j]: energy[i][j] > threshold. */
  edges: boolean[][];
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

/** ord(k) = n / gcd(n, k): the order of the frequency k in ℤ_n (ord(0) = 1). */
export function frequencyOrder(n: number, k: number): number {
  return n / gcd(n, k);
}

/**
 * The interaction rule for C_n: an input in L_i feeds L_j through the nonlinearity iff
 * ord(j) divides ordP(i), where ordP(k) = ord(k)/2 for even ord(k) and ord(k) otherwise, or (for
 * ReLU only) i = j. |·| has no forced self-loop: it is even, so it halves the period of a signal whose
 * order is even. Returns edges[i][j] for i, j = 0 … ⌊n/2⌋.
 */
export function interactionRule(n: number, nonlinearity: 'relu' | 'abs'): boolean[][] {
  checkPositiveInt('interactionRule', 'n', n);
  if (nonlinearity !== 'relu' && nonlinearity !== 'abs')
    argError('interactionRule', 'nonlinearity', "'relu' or 'abs'", String(nonlinearity));
  const size = Math.floor(n / 2) + 1;
  const edges: boolean[][] = [];
  for (let i = 0; i < size; i++) {
    const o = frequencyOrder(n, i);
    const ordP = o % 2 === 0 ? o / 2 : o;
    const row: boolean[] = [];
    for (let j = 0; j < size; j++)
      row.push((nonlinearity === 'relu' && i === j) || ordP % frequencyOrder(n, j) === 0);
    edges.push(row);
  }
  return edges;
}

export interface InteractionOptions {
  /** Random inputs per frequency (default 2000). */
  samples?: number;
  /** An edge is an output energy fraction above this (default 1e-9). */
  threshold?: number;
  generator?: Generator;
}

/**
 * The interaction graph of a layer on regular C_n fields, found numerically: for each frequency i,
 * `samples` random fibre vectors in L_i (Gaussian coefficients in L_i's irrep coordinates) go through
 * the layer, and the mean fraction of each output's energy that lands in each L_j is measured.
 * `layer` is 'relu', 'abs' (core's pointwise functions) or any module mapping one regular C_n field
 * to one regular C_n field. Runs in float32 on the current backend (CPU: reads back synchronously).
 */
export function interactionGraph(
  n: number,
  layer: 'relu' | 'abs' | FieldLayer,
  opts: InteractionOptions = {},
): InteractionGraph {
  const op = 'interactionGraph';
  checkPositiveInt(op, 'n', n);
  const samples = checkPositiveInt(op, 'samples', opts.samples ?? 2000);
  const threshold = opts.threshold ?? 1e-9;
  const group = cyclicGroup(n);
  const basis = isotypicBasis(group);
  // Each sample is its own field, so energies come out per sample: [1, samples·n, 1, 1].
  const type = FieldType.regular(group, samples);
  const module: FieldLayer =
    layer === 'relu' || layer === 'abs' ? new PointwiseNonLinearity(type, layer) : layer;
  if (typeof module?.forward !== 'function')
    argError(op, 'layer', "'relu', 'abs' or a module with forward(GeometricTensor)", String(layer));
  const components = basis.labels.length;
  const energy: number[][] = [];
  for (let i = 0; i < components; i++) {
    const columns = [...basis.componentOfColumn.keys()].filter((c) => basis.componentOfColumn[c] === i);
    // Q restricted to L_i's columns: [n, d_i]; inputs Q_i c for c ~ N(0, I).
    const qi = new Float32Array(n * columns.length);
    for (let h = 0; h < n; h++)
      columns.forEach((c, a) => {
        qi[h * columns.length + a] = basis.changeOfBasis[h * n + c]!;
      });
    const fractions = tidy(() =>
      noGrad(() => {
        const coeffs = randn([columns.length, samples], { generator: opts.generator });
        const fibres = tensor(qi, [n, columns.length]).matmul(coeffs); // [n, samples]
        const x = new GeometricTensor(fibres.transpose(0, 1).reshape([1, samples * n, 1, 1]), type);
        let y = module.forward(x);
        if (!(y instanceof GeometricTensor) || !y.type.equals(type)) {
          // A custom layer may return a fresh but equal type; anything else is an error.
          if (!(y instanceof GeometricTensor) || y.type.size !== type.size || !y.type.isUniform('regular'))
            argError(op, 'layer', `a module returning ${type}`, String(y?.type ?? y));
          y = new GeometricTensor(y.tensor, type);
        }
        // Ratio of sums, not mean of ratios: outputs that vanish (ReLU of a negative constant) carry no weight.
        const e = isotypicEnergies(y).sum(0); // [components]
        return e.div(e.sum().maximum(1e-30)).dataSync();
      }),
    );
    energy.push(Array.from(fractions));
  }
  return {
    n,
    frequencies: basis.frequencies,
    energy,
    edges: energy.map((row) => row.map((v) => v > threshold)),
  };
}
