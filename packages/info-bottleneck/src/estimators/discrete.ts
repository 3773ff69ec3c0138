import { argError } from '@erlangen/core';
import { checkSameCount, type LabelInput, type Matrix, toLabels } from '../matrix.js';

/**
 * Exact discrete entropies and mutual information by counting, in bits. Every sample is one
 * equally weighted observation of a discrete variable, so for a finite population (the 4096 inputs of
 * the 12-bit task) these are the exact plug-in values; for a sample of a larger population they are the
 * plug-in (maximum-likelihood) estimates, biased low by about (K − 1)/(2N ln 2) bits for K occupied cells.
 * Cost O(N) with hashing.
 */

/** Relabels arbitrary integer codes as 0..K−1 (first-seen order); returns the relabelled codes and K. */
export function compactCodes(codes: ArrayLike<number>): { codes: Int32Array; count: number } {
  const map = new Map<number, number>();
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    let id = map.get(c);
    if (id === undefined) {
      id = map.size;
      map.set(c, id);
    }
    out[i] = id;
  }
  return { codes: out, count: map.size };
}

/**
 * One code per row of an integer-valued matrix (e.g. bin indices [N, d]): rows with equal entries get
 * equal codes. Rows are hashed to 52 bits (two independent 26-bit multiplicative hashes), so two
 * different rows collide with probability ≈ 2⁻⁵²; at N = 10⁵ the chance of any collision is ≈ 10⁻⁶.
 */
export function rowCodes(values: ArrayLike<number>, rows: number, cols: number): Int32Array {
  if (values.length !== rows * cols)
    argError('rowCodes', 'values', `${rows}·${cols} = ${rows * cols} entries`, `${values.length}`);
  const hashes = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x01000193 | 0;
    for (let j = 0; j < cols; j++) {
      const v = values[i * cols + j]! | 0;
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h1 ^= h1 >>> 15;
      h2 = Math.imul(h2 + v + 0x9e3779b9, 0x85ebca6b);
      h2 ^= h2 >>> 13;
      h2 = Math.imul(h2, 0xc2b2ae35);
    }
    hashes[i] = (h1 & 0x3ffffff) * 67108864 + (h2 & 0x3ffffff);
  }
  return compactCodes(hashes).codes;
}

/** Codes of a matrix whose entries are already integers (quantised activations). */
export function matrixCodes(m: Matrix): Int32Array {
  return rowCodes(m.values, m.rows, m.cols);
}

function entropyOfCounts(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** H(A) in bits of a discrete variable given one code per sample ([N] integers). */
export function discreteEntropy(codes: LabelInput): number {
  const a = toLabels('discreteEntropy', 'codes', codes);
  const counts = new Map<number, number>();
  for (let i = 0; i < a.length; i++) counts.set(a[i]!, (counts.get(a[i]!) ?? 0) + 1);
  return entropyOfCounts(counts.values(), a.length);
}

/** H(A, B) in bits from paired codes. */
export function jointEntropy(a: Int32Array, b: Int32Array): number {
  checkSameCount('jointEntropy', ['a', a.length], ['b', b.length]);
  const counts = new Map<number, number>();
  // Compact B first so a·K_B + b is a unique key below 2^53.
  const cb = compactCodes(b);
  const ca = compactCodes(a);
  for (let i = 0; i < a.length; i++) {
    const key = ca.codes[i]! * cb.count + cb.codes[i]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return entropyOfCounts(counts.values(), a.length);
}

/**
 * I(A; B) = H(A) + H(B) − H(A, B) in bits, exact for the empirical joint distribution of the paired
 * codes ([N] each). Satisfies the data-processing inequality exactly: for codes C = f(B),
 * I(A; C) ≤ I(A; B).
 */
export function discreteMutualInformation(a: LabelInput, b: LabelInput): number {
  const ca = toLabels('discreteMutualInformation', 'a', a);
  const cb = toLabels('discreteMutualInformation', 'b', b);
  checkSameCount('discreteMutualInformation', ['a', ca.length], ['b', cb.length]);
  const h = discreteEntropy(ca) + discreteEntropy(cb) - jointEntropy(ca, cb);
  return Math.max(0, h);
}

/**
 * Mutual information of a discrete joint probability table p[a][b] (rows sum over B), in bits: the
 * closed form Σ p(a,b) log₂ p(a,b)/(p(a)p(b)). The table must be non-negative and sum to 1 (± 1e-9).
 */
export function tableMutualInformation(table: readonly (readonly number[])[]): number {
  const rows = table.length;
  if (rows < 1) argError('tableMutualInformation', 'table', 'a non-empty table', 'no rows');
  const cols = table[0]!.length;
  let total = 0;
  const pa = new Float64Array(rows);
  const pb = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    if (table[i]!.length !== cols)
      argError(
        'tableMutualInformation',
        'table',
        `rows of ${cols} entries`,
        `row ${i} with ${table[i]!.length}`,
      );
    for (let j = 0; j < cols; j++) {
      const p = table[i]![j]!;
      if (!(p >= 0))
        argError('tableMutualInformation', 'table', 'non-negative probabilities', `${p} at [${i}][${j}]`);
      pa[i]! += p;
      pb[j]! += p;
      total += p;
    }
  }
  if (Math.abs(total - 1) > 1e-9)
    argError('tableMutualInformation', 'table', 'entries summing to 1', `sum ${total}`);
  let mi = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const p = table[i]![j]!;
      if (p > 0) mi += p * Math.log2(p / (pa[i]! * pb[j]!));
    }
  return mi;
}
