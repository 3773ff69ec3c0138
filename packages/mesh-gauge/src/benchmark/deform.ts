/**
 * Our own correspondence benchmark (NOT FAUST): non-rigid deformations of one template mesh with
 * known ground truth (vertex i of every shape corresponds to vertex i of the template).
 *
 * Each shape, from a seed:
 * 1. a smooth bump field along the normal: d = Σ_{k=1}^{K} c_k φ_k with the template's lowest
 *    non-constant Laplacian eigenvectors φ_k (M-orthonormal) and c_k ~ N(0, 1) / √k, scaled so the
 *    largest displacement is `bumpAmplitude` × the bounding-box diagonal; x ← x + d n;
 * 2. a twist about the template's vertical axis (y): each point turns by τ · (y − ȳ)/height with
 *    τ ~ U(−maxTwist, maxTwist);
 * 3. a uniformly random rotation in SO(3) (from a random unit quaternion), after centring.
 */

import { vertexNormals } from '../geometry/basic.js';
import type { Mesh } from '../mesh/mesh.js';

export interface DeformOptions {
  /** Eigenvectors used for the bump field (default 12). */
  modes?: number;
  /** Largest normal displacement as a fraction of the bounding-box diagonal (default 0.04). */
  bumpAmplitude?: number;
  /** Largest twist in radians over the height (default 0.6). */
  maxTwist?: number;
  /** Apply a random rotation (default true). */
  rotate?: boolean;
}

/** Seeded xorshift32 with uniform and normal draws (host side; independent of core's RNG). */
export class HostRandom {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 2654435761) >>> 0 || 1;
    for (let i = 0; i < 4; i++) this.uniform();
  }
  uniform(): number {
    this.s ^= this.s << 13;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    return (this.s >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** Row-major 3×3 rotation from a uniformly random unit quaternion. */
export function randomRotation(rng: HostRandom): number[] {
  let q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(...q);
  q = q.map((x) => x / n);
  const [w, x, y, z] = q as [number, number, number, number];
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  ];
}

/**
 * One deformed copy of `template`. `eigenvectors` are the template's [V, k] M-orthonormal
 * Laplacian eigenvectors (column 0 the constant one), as `generalizedEigen` returns them.
 */
export function deformMesh(
  template: Mesh,
  eigenvectors: Float64Array,
  k: number,
  seed: number,
  opts: DeformOptions = {},
): Mesh {
  const modes = Math.min(opts.modes ?? 12, k - 1);
  const rng = new HostRandom(seed);
  const nv = template.numVertices;
  const v = template.vertices;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < nv; i++)
    for (let c = 0; c < 3; c++) {
      lo[c] = Math.min(lo[c]!, v[3 * i + c]!);
      hi[c] = Math.max(hi[c]!, v[3 * i + c]!);
    }
  const diag = Math.hypot(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!);
  const coef = Array.from({ length: modes }, (_, m) => rng.normal() / Math.sqrt(m + 1));
  const d = new Float64Array(nv);
  for (let i = 0; i < nv; i++)
    for (let m = 0; m < modes; m++) d[i]! += coef[m]! * eigenvectors[i * k + m + 1]!;
  const dmax = Math.max(...d.map(Math.abs)) || 1;
  const amp = ((opts.bumpAmplitude ?? 0.04) * diag) / dmax;
  const n = vertexNormals(template);
  const out = new Float64Array(nv * 3);
  for (let i = 0; i < 3 * nv; i++) out[i] = v[i]! + amp * d[Math.floor(i / 3)]! * n[i]!;
  // Twist about the vertical (y) axis through the centre.
  const maxTwist = opts.maxTwist ?? 0.6;
  const tau = (2 * rng.uniform() - 1) * maxTwist;
  const cx = (lo[0]! + hi[0]!) / 2;
  const cy = (lo[1]! + hi[1]!) / 2;
  const cz = (lo[2]! + hi[2]!) / 2;
  const height = hi[1]! - lo[1]! || 1;
  for (let i = 0; i < nv; i++) {
    const a = (tau * (out[3 * i + 1]! - cy)) / height;
    const x = out[3 * i]! - cx;
    const z = out[3 * i + 2]! - cz;
    out[3 * i] = Math.cos(a) * x + Math.sin(a) * z;
    out[3 * i + 1] = out[3 * i + 1]! - cy;
    out[3 * i + 2] = -Math.sin(a) * x + Math.cos(a) * z;
  }
  const shape = template.withVertices(out);
  return opts.rotate === false ? shape : shape.transformed(randomRotation(rng));
}
