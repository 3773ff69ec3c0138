/**
 * Mulberry32, the package's host-side seeded generator: shuffles, MINE's minibatches and
 * Box–Muller noise draw from it so that estimates are reproducible without touching core's
 * Generator (and the shared random stream of whoever calls the estimators).
 */

/** Seeded uint32 stream; the seed is taken modulo 2³². */
function mulberry32Bits(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Seeded uniform numbers in [0, 1) (for shuffles and index draws). */
export function mulberry32(seed: number): () => number {
  const bits = mulberry32Bits(seed);
  return () => bits() / 4294967296;
}

/** Seeded uniform numbers in the open interval (0, 1): safe under Math.log (Box–Muller). */
export function mulberry32Open(seed: number): () => number {
  const bits = mulberry32Bits(seed);
  return () => (bits() + 0.5) / 4294967296;
}
