import { argError, checkNonNegativeInt, describeValue } from '../errors.js';
import { threefry2x32 } from '../random.js';

/**
 * A seeded stream of uniform doubles from Threefry-2x32 keyed by (seed, stream): the same on every
 * platform, and independent across streams, so epoch e of a shuffle never depends on earlier epochs.
 */
export class SeededStream {
  private readonly k0: number;
  private readonly k1: number;
  private counter = 0;
  private readonly bits = new Uint32Array(2);

  constructor(
    seed: number,
    private readonly stream: number,
  ) {
    if (typeof seed !== 'number' || !Number.isFinite(seed))
      argError('seed', 'seed', 'a finite number', describeValue(seed));
    this.k0 = seed >>> 0;
    // A constant in the high key word keeps these streams apart from tensor draws of the same seed.
    this.k1 = (Math.floor(seed / 4294967296) ^ 0x5eed_da7a) >>> 0;
  }

  /** A double in [0, 1) with 53 random bits. */
  next(): number {
    threefry2x32(this.k0, this.k1, this.counter++, this.stream >>> 0, this.bits);
    return ((this.bits[0]! >>> 5) * 67108864 + (this.bits[1]! >>> 6)) / 9007199254740992;
  }
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates), determined by (seed, stream): int32 [n]. */
export function permutation(n: number, seed: number, stream = 0): Int32Array {
  const rng = new SeededStream(seed, stream);
  return shuffledRange('permutation', n, () => rng.next());
}

/**
 * A uniformly random permutation of 0..n−1 (Fisher–Yates) drawn from `uniform`, a source of doubles
 * in [0, 1): int32 [n]. For packages with their own seeded generator, so the same seed gives the
 * same shuffle on every platform.
 */
export function permutationFrom(n: number, uniform: () => number): Int32Array {
  if (typeof uniform !== 'function')
    argError('permutationFrom', 'uniform', 'a function returning doubles in [0, 1)', describeValue(uniform));
  return shuffledRange('permutationFrom', n, uniform);
}

function shuffledRange(op: string, n: number, uniform: () => number): Int32Array {
  checkNonNegativeInt(op, 'n', n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
