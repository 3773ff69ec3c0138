/**
 * Rotation-invariant input features per vertex for the correspondence benchmark, computed from each
 * shape's own geometry (float64 CPU path): mean curvature H = ½ (L x)·n / A_i and Gaussian
 * curvature K = angle defect / A_i, each diffused at several scales, u_t = (M + t L)⁻¹ M f with
 * t = s·h², plus log vertex area. Rigid motions leave them unchanged; non-rigid deformations do not.
 */
import { angleDefect, meanEdgeLength, vertexNormals } from '../geometry/basic.js';
import { SparseCholesky } from '../geometry/cholesky.js';
import { cotanLaplacian, lumpedMass } from '../geometry/laplacian.js';
import { CsrMatrix } from '../geometry/sparse.js';
import type { Mesh } from '../mesh/mesh.js';

export const FEATURE_SCALES = [0, 2, 8, 32, 128] as const;

/** float32 [V, 2·scales + 1]: diffused mean and Gaussian curvature at each scale and log area. */
export function curvatureFeatures(mesh: Mesh, scales: readonly number[] = FEATURE_SCALES): Float32Array {
  const nv = mesh.numVertices;
  const L = cotanLaplacian(mesh);
  const M = lumpedMass(mesh);
  const area = M.diagonalValues();
  const n = vertexNormals(mesh);
  const lx = L.mul(mesh.vertices, 3);
  const H = new Float64Array(nv);
  const K = angleDefect(mesh);
  for (let i = 0; i < nv; i++) {
    H[i] =
      (0.5 * (lx[3 * i]! * n[3 * i]! + lx[3 * i + 1]! * n[3 * i + 1]! + lx[3 * i + 2]! * n[3 * i + 2]!)) /
      area[i]!;
    K[i] = K[i]! / area[i]!;
  }
  const h = meanEdgeLength(mesh);
  const totalArea = area.reduce((s, a) => s + a, 0);
  const nf = 2 * scales.length + 1;
  const out = new Float32Array(nv * nf);
  scales.forEach((s, si) => {
    let hs: Float64Array = H;
    let ks: Float64Array = K;
    if (s > 0) {
      const chol = new SparseCholesky(CsrMatrix.add(M, L, 1, s * h * h));
      hs = chol.solve(H.map((x, i) => x * area[i]!));
      ks = chol.solve(K.map((x, i) => x * area[i]!));
    }
    // Curvatures scale as 1/length: multiply by √(total area) to be scale-free.
    for (let i = 0; i < nv; i++) {
      out[i * nf + 2 * si] = hs[i]! * Math.sqrt(totalArea);
      out[i * nf + 2 * si + 1] = ks[i]! * totalArea;
    }
  });
  for (let i = 0; i < nv; i++) out[i * nf + nf - 1] = Math.log((area[i]! / totalArea) * nv);
  return out;
}
