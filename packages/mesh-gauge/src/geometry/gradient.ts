/**
 * Gradient operators, float64 CPU path.
 * - `faceGradient`: the exact gradient of a piecewise-linear function on every face, [3F, V] (rows
 *   3f, 3f+1, 3f+2 are the x, y, z components on face f).
 * - `vertexGradient`: a per-vertex gradient in the tangent gauge (DiffusionNet's construction):
 *   least squares fit of g with g · d_ij ≈ u_j − u_i over the one-ring, d_ij the edge projected into
 *   (e1_i, e2_i). Returns the two components as [V, V] matrices. Under a change of gauge by α_i the
 *   complex gradient gx + i·gy is multiplied by e^{−iα_i}.
 */
import type { Mesh } from '../mesh/mesh.js';
import { cross3, dot3, faceAreas, faceNormals, sub3 } from './basic.js';
import { directedEdges, type MeshGauge, vertexGauges } from './gauge.js';
import { CsrMatrix } from './sparse.js';

export function faceGradient(mesh: Mesh): CsrMatrix {
  const fa = faceAreas(mesh);
  const fn = faceNormals(mesh);
  const ri: number[] = [];
  const ci: number[] = [];
  const v: number[] = [];
  for (let f = 0; f < mesh.numFaces; f++) {
    const n: [number, number, number] = [fn[3 * f]!, fn[3 * f + 1]!, fn[3 * f + 2]!];
    for (let k = 0; k < 3; k++) {
      const i = mesh.faces[3 * f + k]!;
      const a = mesh.faces[3 * f + ((k + 1) % 3)]!;
      const b = mesh.faces[3 * f + ((k + 2) % 3)]!;
      // ∇φ_i = n × (x_b − x_a) / (2A): perpendicular to the opposite edge, pointing at i.
      const g = cross3(n, sub3(mesh.vertices, b, a));
      for (let c = 0; c < 3; c++) {
        ri.push(3 * f + c);
        ci.push(i);
        v.push(g[c]! / (2 * fa[f]!));
      }
    }
  }
  return CsrMatrix.fromTriplets(3 * mesh.numFaces, mesh.numVertices, ri, ci, v);
}

/** Per-face divergence of a face vector field X [F, 3]: (div X)_i = ½ Σ_f (cot θ1 (e1 · X) + cot θ2 (e2 · X)). */
export function divergence(mesh: Mesh, field: Float64Array): Float64Array {
  const out = new Float64Array(mesh.numVertices);
  const v = mesh.vertices;
  for (let f = 0; f < mesh.numFaces; f++) {
    const X: [number, number, number] = [field[3 * f]!, field[3 * f + 1]!, field[3 * f + 2]!];
    for (let k = 0; k < 3; k++) {
      const i = mesh.faces[3 * f + k]!;
      const j = mesh.faces[3 * f + ((k + 1) % 3)]!;
      const l = mesh.faces[3 * f + ((k + 2) % 3)]!;
      const e1 = sub3(v, j, i);
      const e2 = sub3(v, l, i);
      // cot of the angle at l (opposite e1) and at j (opposite e2).
      const al = sub3(v, i, l);
      const bl = sub3(v, j, l);
      const cotL = dot3(al, bl) / Math.hypot(...cross3(al, bl));
      const aj = sub3(v, i, j);
      const bj = sub3(v, l, j);
      const cotJ = dot3(aj, bj) / Math.hypot(...cross3(aj, bj));
      out[i]! += 0.5 * (cotL * dot3(e1, X) + cotJ * dot3(e2, X));
    }
  }
  return out;
}

export function vertexGradient(
  mesh: Mesh,
  gauge: MeshGauge = vertexGauges(mesh),
): { gx: CsrMatrix; gy: CsrMatrix } {
  const { targets, sources } = directedEdges(mesh);
  const ri: number[] = [];
  const ci: number[] = [];
  const vx: number[] = [];
  const vy: number[] = [];
  let e = 0;
  const nv = mesh.numVertices;
  for (let i = 0; i < nv; i++) {
    const nbr: number[] = [];
    const d: [number, number][] = [];
    for (; e < targets.length && targets[e] === i; e++) {
      const j = sources[e]!;
      const x = sub3(mesh.vertices, j, i);
      nbr.push(j);
      d.push([
        dot3(x, [gauge.e1[3 * i]!, gauge.e1[3 * i + 1]!, gauge.e1[3 * i + 2]!]),
        dot3(x, [gauge.e2[3 * i]!, gauge.e2[3 * i + 1]!, gauge.e2[3 * i + 2]!]),
      ]);
    }
    // g = (DᵀD)⁻¹ Dᵀ (u_j − u_i)
    let a = 0;
    let b = 0;
    let c = 0;
    for (const [p, q] of d) {
      a += p * p;
      b += p * q;
      c += q * q;
    }
    const det = a * c - b * b;
    if (!(Math.abs(det) > 1e-300)) continue;
    let sx = 0;
    let sy = 0;
    d.forEach(([p, q], k) => {
      const wx = (c * p - b * q) / det;
      const wy = (-b * p + a * q) / det;
      ri.push(i);
      ci.push(nbr[k]!);
      vx.push(wx);
      vy.push(wy);
      sx += wx;
      sy += wy;
    });
    ri.push(i);
    ci.push(i);
    vx.push(-sx);
    vy.push(-sy);
  }
  return {
    gx: CsrMatrix.fromTriplets(nv, nv, ri, ci, vx),
    gy: CsrMatrix.fromTriplets(nv, nv, ri, ci, vy),
  };
}
