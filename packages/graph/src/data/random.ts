import { data } from '@erlangen/core';

/**
 * A small seeded generator for host-side choices (splits, shuffles, synthetic graphs): SplitMix32,
 * so splits are reproducible from a seed without touching tensors.
 */
export class HostRandom {
  private state: number;
  constructor(seed = 0) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** A uniformly random permutation of 0..n-1 (Fisher–Yates, core's `data.permutationFrom`): int32 [n]. */
  permutation(n: number): Int32Array {
    return data.permutationFrom(n, () => this.next());
  }
}
