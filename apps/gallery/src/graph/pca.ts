/**
 * The two leading principal components of row vectors, for drawing an embedding: power iteration
 * with deflation on the d×d covariance (d is small: the hidden width).
 * rows: [n, d] row-major → [n, 2] row-major coordinates.
 */
export function pca2(rows: Float32Array, n: number, d: number): Float32Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const xa = rows[i * d + a]! - mean[a]!;
      for (let b = 0; b < d; b++) cov[a * d + b]! += (xa * (rows[i * d + b]! - mean[b]!)) / n;
    }
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    // A fixed, non-symmetric start so the result does not depend on a random generator.
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j / d);
    for (let it = 0; it < 200; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a]! += cov[a * d + b]! * v[b]!;
      for (const u of components) {
        const dot = w.reduce((s, x, j) => s + x * u[j]!, 0);
        for (let j = 0; j < d; j++) w[j]! -= dot * u[j]!;
      }
      const norm = Math.hypot(...w) || 1;
      v = w.map((x) => x / norm);
    }
    components.push(v);
  }
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (rows[i * d + j]! - mean[j]!) * components[c]![j]!;
      out[i * 2 + c] = s;
    }
  return out;
}
