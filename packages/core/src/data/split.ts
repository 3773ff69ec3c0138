import { argError, describeValue } from '../errors.js';
import { permutation } from './random.js';

/**
 * Splits indices 0..n−1 into disjoint random subsets, as torch.utils.data.random_split: `sizes` are
 * either fractions summing to 1 (floors, then the remainder handed out one by one from the first
 * subset) or counts summing to n. Deterministic in `seed`. Returns one index array per subset.
 */
export function randomSplit(n: number, sizes: readonly number[], seed = 0): number[][] {
  if (!Number.isInteger(n) || n < 0) argError('randomSplit', 'n', 'a non-negative integer', describeValue(n));
  if (
    !Array.isArray(sizes) ||
    sizes.length === 0 ||
    !sizes.every((s) => typeof s === 'number' && s >= 0 && Number.isFinite(s))
  ) {
    argError('randomSplit', 'sizes', 'a non-empty array of non-negative numbers', describeValue(sizes));
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  let counts: number[];
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = sizes.map((f) => Math.floor(n * f));
    let remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]! += 1;
  } else {
    if (!sizes.every(Number.isInteger) || total !== n) {
      argError(
        'randomSplit',
        'sizes',
        `fractions summing to 1 or integer counts summing to n = ${n}`,
        `[${sizes.join(', ')}] (sum ${total})`,
      );
    }
    counts = [...sizes];
  }
  const perm = permutation(n, seed);
  const out: number[][] = [];
  let start = 0;
  for (const c of counts) {
    out.push(Array.from(perm.subarray(start, start + c)));
    start += c;
  }
  return out;
}
