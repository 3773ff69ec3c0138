/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"),
 * the counter-based generator JAX and tinygrad use. Output k of a stream is a pure function of
 * (key, counter), so the CPU and GPU backends draw identical numbers in any order.
 */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];

export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const ks2 = (0x1bd11bda ^ k0 ^ k1) >>> 0;
  const ks = [k0 >>> 0, k1 >>> 0, ks2];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let r = 0; r < 20; r++) {
    const rot = ROTATIONS[r % 8]!;
    x0 = (x0 + x1) >>> 0;
    x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
    x1 = (x1 ^ x0) >>> 0;
    if (r % 4 === 3) {
      const i = (r + 1) / 4;
      x0 = (x0 + ks[i % 3]!) >>> 0;
      x1 = (x1 + ks[(i + 1) % 3]! + i) >>> 0;
    }
  }
  out[0] = x0;
  out[1] = x1;
}

/** 24 random bits → a float in [0, 1). */
export function bitsToUniform(bits: number): number {
  return (bits >>> 8) * 5.9604644775390625e-8;
}

/** Box–Muller on the two words of one Threefry output: one standard normal. */
export function bitsToNormal(b0: number, b1: number): number {
  const u1 = ((b0 >>> 8) + 1) * 5.9604644775390625e-8; // (0, 1]: log never sees 0
  const u2 = (b1 >>> 8) * 5.9604644775390625e-8;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
