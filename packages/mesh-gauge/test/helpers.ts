import { readFileSync } from 'node:fs';
import { parseObj } from '../src/index.js';

export { gradcheck, maxAbsDiff } from '@erlangen/core/testing';

export const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const fixtureMesh = (name: string) => parseObj(fixture(`${name}.obj`));

/** Deterministic pseudo-random numbers in [0, 1) (for gauge angles and test data). */
export function hostRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
