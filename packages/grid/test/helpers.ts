/**
 * Test helpers: error measures relative to the output scale; the gradient check comes from
 * `@erlangen/core/testing`, the same one core's own tests use.
 */
import { maxAbsDiff } from '@erlangen/core/testing';

export { gradcheck, maxAbsDiff } from '@erlangen/core/testing';

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(Number(a[i])));
  return m;
}

/** max |a − b| / max |b|: the equivariance error relative to the output scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return maxAbsDiff(a, b) / Math.max(maxAbs(b), 1e-30);
}
