// Deterministic inputs and the output check shared by the wasm benchmarks (wasm.mjs,
// wasm-threads.mjs): the same values on every side of a comparison.

/** n uniform [-1, 1) float32 values from an LCG seeded with `seed`. */
export function values(n, seed) {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** n int32 indices in [0, bound) from the same LCG. */
export function indices(n, bound, seed) {
  let s = seed;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.floor((s / 2 ** 32) * bound);
  }
  return out;
}

/** max |a − b| / max |b| (∞ when the lengths differ). */
export function maxRelDiff(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return a.length === b.length ? num / (den || 1) : Number.POSITIVE_INFINITY;
}
