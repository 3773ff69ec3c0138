import { argError, checkPositiveInt } from '@erlangen/core';
import { checkSameCount, type LabelInput, type SampleInput, toLabels, toMatrix } from '../matrix.js';
import { compactCodes, discreteMutualInformation, rowCodes } from './discrete.js';

/**
 * How activations are quantised before counting.
 * - `fixed` (IDNNs): `edges` equally spaced edges over `range` (default 30 edges on [−1, 1]); a value
 *   gets the index of the first edge above it (numpy `digitize`), so everything below the range shares
 *   bin 0 and everything above shares the last bin. **Clipping artefact:** for ReLU layers whose
 *   activations grow past the range, all large values fall into one bin and the layer looks compressed
 *   although nothing was forgotten (Saxe et al. 2018).
 * - `floor` (ibsgd): bin = ⌊a / binSize⌋, unbounded, so no clipping; finer binSize → I(X;T) → H(X).
 * - `adaptive`: `bins` equal-mass bins from the empirical quantiles, per neuron (`scope: 'neuron'`) or
 *   over the whole layer (`scope: 'layer'`); insensitive to the scale of the activations.
 */
export type BinningStrategy =
  | { kind: 'fixed'; edges?: number; range?: [number, number] }
  | { kind: 'floor'; binSize?: number }
  | { kind: 'adaptive'; bins?: number; scope?: 'neuron' | 'layer' };

/** Defaults: fixed 30 edges on [−1, 1]; floor binSize 0.07 (ibsgd's notebook); adaptive 30 bins per neuron. */
export function describeBinning(s: BinningStrategy): string {
  if (s.kind === 'fixed') {
    const [lo, hi] = s.range ?? [-1, 1];
    return `fixed ${s.edges ?? 30} edges on [${lo}, ${hi}]`;
  }
  if (s.kind === 'floor') return `floor(a / ${s.binSize ?? 0.07})`;
  return `adaptive ${s.bins ?? 30} bins per ${s.scope ?? 'neuron'}`;
}

function upperBound(sorted: Float64Array, v: number): number {
  // First index whose edge is > v: numpy.digitize(v, edges) with right = false.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantises activations [N, d] to integer bin indices [N, d] (row-major Int32Array) by `strategy`.
 */
export function binActivations(
  activations: SampleInput,
  strategy: BinningStrategy = { kind: 'fixed' },
): Int32Array {
  const op = 'binActivations';
  const m = toMatrix(op, 'activations', activations);
  const out = new Int32Array(m.values.length);
  if (strategy.kind === 'fixed') {
    const edges = checkPositiveInt(op, 'strategy.edges', strategy.edges ?? 30);
    if (edges < 2) argError(op, 'strategy.edges', 'at least 2 edges', `${edges}`);
    const [lo, hi] = strategy.range ?? [-1, 1];
    if (!(hi > lo)) argError(op, 'strategy.range', '[lo, hi] with hi > lo', `[${lo}, ${hi}]`);
    const e = new Float64Array(edges);
    // numpy.linspace's formula, so bin boundaries match IDNNs to the last bit.
    const step = (hi - lo) / (edges - 1);
    for (let i = 0; i < edges; i++) e[i] = i === edges - 1 ? hi : lo + i * step;
    for (let i = 0; i < out.length; i++) out[i] = upperBound(e, m.values[i]!);
    return out;
  }
  if (strategy.kind === 'floor') {
    const size = strategy.binSize ?? 0.07;
    if (!(size > 0) || !Number.isFinite(size))
      argError(op, 'strategy.binSize', 'a positive bin size', `${size}`);
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(m.values[i]! / size);
    return out;
  }
  if (strategy.kind === 'adaptive') {
    const bins = checkPositiveInt(op, 'strategy.bins', strategy.bins ?? 30);
    const scope = strategy.scope ?? 'neuron';
    if (scope !== 'neuron' && scope !== 'layer')
      argError(op, 'strategy.scope', "'neuron' or 'layer'", String(scope));
    const quantileEdges = (vals: Float64Array): Float64Array => {
      const sorted = Float64Array.from(vals).sort();
      const e = new Float64Array(bins - 1);
      for (let b = 1; b < bins; b++)
        e[b - 1] = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))]!;
      return e;
    };
    if (scope === 'layer') {
      const e = quantileEdges(m.values);
      for (let i = 0; i < out.length; i++) out[i] = upperBound(e, m.values[i]!);
    } else {
      const col = new Float64Array(m.rows);
      for (let j = 0; j < m.cols; j++) {
        for (let i = 0; i < m.rows; i++) col[i] = m.values[i * m.cols + j]!;
        const e = quantileEdges(col);
        for (let i = 0; i < m.rows; i++) out[i * m.cols + j] = upperBound(e, col[i]!);
      }
    }
    return out;
  }
  return argError(
    op,
    'strategy.kind',
    "'fixed', 'floor' or 'adaptive'",
    String((strategy as { kind: unknown }).kind),
  );
}

/** One discrete code per sample of binned activations [N, d]: equal codes ⇔ same bin in every unit. */
export function binnedCodes(
  activations: SampleInput,
  strategy: BinningStrategy = { kind: 'fixed' },
): Int32Array {
  const m = toMatrix('binnedCodes', 'activations', activations);
  return rowCodes(binActivations(m, strategy), m.rows, m.cols);
}

export interface BinnedInformation {
  /** I(X;T) in bits */
  ixt: number;
  /** I(T;Y) in bits */
  ity: number;
  /** H(T) of the binned layer in bits */
  ht: number;
  /** number of occupied bins (distinct binned rows) */
  occupied: number;
}

/**
 * I(X;T) and I(T;Y) of a layer's binned activations T [N, d], with X given as one code per sample
 * (`inputCodes`, e.g. the row index when every input is distinct) and labels Y [N]. Cost O(N·d).
 *
 * Formula: plug-in counts, I(X;T) = H(T) + H(X) − H(X,T), I(T;Y) = H(T) + H(Y) − H(T,Y); when every
 * input is distinct and T is a function of X this is I(X;T) = H(T) ≤ log₂ N.
 * Bias: the plug-in estimate is exact for the finite population it is computed on, but as an estimate
 * of information in a *deterministic* network it measures how finely the bins separate the inputs
 * (clustering), not information, which is infinite (or log₂ N) for continuous T (Goldfeld et al. 2019).
 * The bin size is the parameter that drives everything: finer bins → I(X;T) → H(X) at every epoch.
 */
export function binnedInformation(
  activations: SampleInput,
  inputCodes: LabelInput,
  labels: LabelInput,
  strategy: BinningStrategy = { kind: 'fixed' },
): BinnedInformation {
  const op = 'binnedInformation';
  const m = toMatrix(op, 'activations', activations);
  const x = toLabels(op, 'inputCodes', inputCodes);
  const y = toLabels(op, 'labels', labels);
  checkSameCount(op, ['activations', m.rows], ['inputCodes', x.length]);
  checkSameCount(op, ['activations', m.rows], ['labels', y.length]);
  const t = binnedCodes(m, strategy);
  const occupied = compactCodes(t).count;
  const ixt = discreteMutualInformation(x, t);
  const ity = discreteMutualInformation(t, y);
  let ht = 0;
  {
    const counts = new Map<number, number>();
    for (let i = 0; i < t.length; i++) counts.set(t[i]!, (counts.get(t[i]!) ?? 0) + 1);
    for (const c of counts.values()) ht -= (c / t.length) * Math.log2(c / t.length);
  }
  return { ixt, ity, ht, occupied };
}
