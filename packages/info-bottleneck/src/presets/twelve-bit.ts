import { argError } from '@erlangen/core';
import { mulberry32 } from '../random.js';

/**
 * The 12-bit task of Shwartz-Ziv & Tishby (2017), regenerated from its rule (the original `var_u.mat`
 * may not be redistributed). Inputs: all 4096 12-bit patterns, row i = i in binary, most significant
 * bit first (column 0). The 12 bits sit on the vertices of an icosahedron; with k active bits,
 * e1 active neighbour pairs and e3 active antipodal pairs, y = 1 ⇔ 30k − 3k² + 8·e1 − 4·e3 ≥ 120,
 * a rule invariant under the icosahedron's symmetries. It gives 2118 positives; the generator is
 * tested bit for bit against the original file when `../shared/data/ib-var-u` exists.
 */

/** Neighbours of each vertex (bit j = column j) on the icosahedron. */
export const ICOSAHEDRON_NEIGHBOURS: readonly (readonly number[])[] = [
  [1, 3, 5, 10, 11],
  [0, 2, 3, 4, 11],
  [1, 3, 4, 8, 9],
  [0, 1, 2, 8, 10],
  [1, 2, 6, 9, 11],
  [0, 6, 7, 10, 11],
  [4, 5, 7, 9, 11],
  [5, 6, 8, 9, 10],
  [2, 3, 7, 9, 10],
  [2, 4, 6, 7, 8],
  [0, 3, 5, 7, 8],
  [0, 1, 4, 5, 6],
];

/** Antipode of each vertex. */
export const ICOSAHEDRON_ANTIPODES: readonly number[] = [9, 7, 5, 6, 10, 2, 3, 1, 11, 0, 4, 8];

export const TWELVE_BIT_SAMPLES = 4096;

/** The label of one 12-bit pattern given as bits[0..11] (0/1, column 0 first). */
export function twelveBitLabel(bits: ArrayLike<number>): number {
  let k = 0;
  let e1 = 0;
  let e3 = 0;
  for (let a = 0; a < 12; a++) {
    if (!bits[a]) continue;
    k++;
    for (const b of ICOSAHEDRON_NEIGHBOURS[a]!) if (b > a && bits[b]) e1++;
    const anti = ICOSAHEDRON_ANTIPODES[a]!;
    if (anti > a && bits[anti]) e3++;
  }
  return 30 * k - 3 * k * k + 8 * e1 - 4 * e3 >= 120 ? 1 : 0;
}

export interface TwelveBitData {
  /** [4096, 12] row-major 0/1 inputs */
  inputs: Float32Array;
  /** [4096] labels 0/1 */
  labels: Int32Array;
}

/** All 4096 inputs and their labels. */
export function twelveBitDataset(): TwelveBitData {
  const inputs = new Float32Array(TWELVE_BIT_SAMPLES * 12);
  const labels = new Int32Array(TWELVE_BIT_SAMPLES);
  const bits = new Uint8Array(12);
  for (let i = 0; i < TWELVE_BIT_SAMPLES; i++) {
    for (let j = 0; j < 12; j++) {
      bits[j] = (i >> (11 - j)) & 1;
      inputs[i * 12 + j] = bits[j]!;
    }
    labels[i] = twelveBitLabel(bits);
  }
  return { inputs, labels };
}

export interface Split {
  /** indices of training samples */
  train: Int32Array;
  /** indices of test samples */
  test: Int32Array;
}

/**
 * Train/test split of the 4096 samples. `'original'`: IDNNs' unshuffled split, the first
 * ⌊fraction·4096⌋ rows train (biased: p(y = 1) ≈ 0.44 train vs 0.84 test at 80%). `'shuffled'`: a
 * seeded permutation first.
 */
export function twelveBitSplit(kind: 'original' | 'shuffled' = 'shuffled', fraction = 0.8, seed = 0): Split {
  if (kind !== 'original' && kind !== 'shuffled')
    argError('twelveBitSplit', 'kind', "'original' or 'shuffled'", String(kind));
  if (!(fraction > 0 && fraction < 1))
    argError('twelveBitSplit', 'fraction', 'a fraction in (0, 1)', String(fraction));
  const order = Int32Array.from({ length: TWELVE_BIT_SAMPLES }, (_, i) => i);
  if (kind === 'shuffled') {
    const rand = mulberry32(seed);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  }
  const nTrain = Math.floor(fraction * TWELVE_BIT_SAMPLES);
  return { train: order.slice(0, nTrain), test: order.slice(nTrain) };
}
