/**
 * The cotan Laplacian and mass matrices of piecewise-linear finite elements (float64 CPU path).
 * Sign convention: L is positive semi-definite, (L u)_i = ½ Σ_j (cot α_ij + cot β_ij)(u_i − u_j), so
 * L φ = λ M φ has λ ≥ 0 (λ = l(l+1) for spherical harmonics on the unit sphere).
 */
import type { Mesh } from '../mesh/mesh.js';
import { cross3, dot3, faceAreas, norm3, sub3 } from './basic.js';
import { CsrMatrix } from './sparse.js';

/** [V, V] cotan Laplacian (positive semi-definite; rows sum to 0). */
export function cotanLaplacian(mesh: Mesh): CsrMatrix {
  const { faces: f, vertices: v } = mesh;
  const ri: number[] = [];
  const ci: number[] = [];
  const val: number[] = [];
  for (let t = 0; t < mesh.numFaces; t++)
    for (let k = 0; k < 3; k++) {
      // The corner opposite edge (i, j) is o.
      const o = f[3 * t + k]!;
      const i = f[3 * t + ((k + 1) % 3)]!;
      const j = f[3 * t + ((k + 2) % 3)]!;
      const a = sub3(v, i, o);
      const b = sub3(v, j, o);
      const w = (0.5 * dot3(a, b)) / Math.max(norm3(cross3(a, b)), 1e-300);
      ri.push(i, j, i, j);
      ci.push(j, i, i, j);
      val.push(-w, -w, w, w);
    }
  return CsrMatrix.fromTriplets(mesh.numVertices, mesh.numVertices, ri, ci, val);
}

/** [V, V] lumped (diagonal, barycentric) mass matrix: M_ii = Σ A_f / 3. */
export function lumpedMass(mesh: Mesh): CsrMatrix {
  const fa = faceAreas(mesh);
  const d = new Float64Array(mesh.numVertices);
  for (let i = 0; i < mesh.faces.length; i++) d[mesh.faces[i]!]! += fa[Math.floor(i / 3)]! / 3;
  return CsrMatrix.diagonal(d);
}

/** [V, V] Galerkin (consistent) mass matrix: A_f / 6 on the diagonal, A_f / 12 off it, per face. */
export function galerkinMass(mesh: Mesh): CsrMatrix {
  const fa = faceAreas(mesh);
  const ri: number[] = [];
  const ci: number[] = [];
  const val: number[] = [];
  for (let t = 0; t < mesh.numFaces; t++)
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        ri.push(mesh.faces[3 * t + a]!);
        ci.push(mesh.faces[3 * t + b]!);
        val.push(a === b ? fa[t]! / 6 : fa[t]! / 12);
      }
  return CsrMatrix.fromTriplets(mesh.numVertices, mesh.numVertices, ri, ci, val);
}
