/**
 * Geodesic distance by the heat method (Crane, Weischedel, Wardetzky 2013), float64 CPU path:
 * 1. u = (M + tL)⁻¹ δ_s with t = h² (h the mean edge length), 2. X = −∇u / |∇u| per face,
 * 3. φ = L⁻¹ (−div X) (solved on L + εM), shifted so the source is at 0.
 * Both factorisations are computed once; each source costs two sparse triangular solve pairs.
 */
import { argError } from '../errors.js';
import type { Mesh } from '../mesh/mesh.js';
import { meanEdgeLength } from './basic.js';
import { SparseCholesky } from './cholesky.js';
import { divergence, faceGradient } from './gradient.js';
import { cotanLaplacian, lumpedMass } from './laplacian.js';
import { CsrMatrix } from './sparse.js';

export class HeatGeodesics {
  private readonly heat: SparseCholesky;
  private readonly poisson: SparseCholesky;
  private readonly grad: CsrMatrix;
  private readonly mass: Float64Array;

  constructor(
    readonly mesh: Mesh,
    /** Time step factor: t = factor · h² (default 1, as the paper recommends). */
    timeFactor = 1,
  ) {
    const L = cotanLaplacian(mesh);
    const M = lumpedMass(mesh);
    const h = meanEdgeLength(mesh);
    this.heat = new SparseCholesky(CsrMatrix.add(M, L, 1, timeFactor * h * h));
    const scale =
      L.diagonalValues().reduce((s, x) => s + x, 0) / M.diagonalValues().reduce((s, x) => s + x, 0);
    this.poisson = new SparseCholesky(CsrMatrix.add(L, M, 1, 1e-10 * scale));
    this.grad = faceGradient(mesh);
    this.mass = M.diagonalValues();
  }

  /** float64 [V]: geodesic distance from the source vertex (or set of vertices) to every vertex. */
  distance(source: number | readonly number[]): Float64Array {
    const nv = this.mesh.numVertices;
    const sources = typeof source === 'number' ? [source] : source;
    if (!sources.length) argError('HeatGeodesics.distance', 'source', 'at least one vertex', 'an empty list');
    const delta = new Float64Array(nv);
    for (const s of sources) {
      if (!Number.isInteger(s) || s < 0 || s >= nv)
        argError('HeatGeodesics.distance', 'source', `vertex indices in [0, ${nv - 1}]`, String(s));
      delta[s] = this.mass[s]!;
    }
    const u = this.heat.solve(delta);
    const g = this.grad.mul(u);
    const nf = this.mesh.numFaces;
    const X = new Float64Array(3 * nf);
    for (let f = 0; f < nf; f++) {
      const n = Math.hypot(g[3 * f]!, g[3 * f + 1]!, g[3 * f + 2]!) || 1;
      for (let c = 0; c < 3; c++) X[3 * f + c] = -g[3 * f + c]! / n;
    }
    const div = divergence(this.mesh, X);
    // L φ = ∇·X with our positive semi-definite L (= −Δ): L φ = −div.
    for (let i = 0; i < nv; i++) div[i] = -div[i]!;
    const phi = this.poisson.solve(div);
    let lo = Infinity;
    for (const s of sources) lo = Math.min(lo, phi[s]!);
    for (let i = 0; i < nv; i++) phi[i] = phi[i]! - lo;
    return phi;
  }
}
