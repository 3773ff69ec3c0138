/**
 * Gauges (tangent frames) per vertex, the log map of each neighbour and the Levi-Civita transport
 * angles along edges, as in GEM-CNN (de Haan et al. 2021), float64 CPU path.
 *
 * - Gauge at vertex i: unit normal n_i (angle-weighted), e1_i = the first neighbour's edge
 *   projected onto the tangent plane and normalised, e2_i = n_i × e1_i.
 * - Log map of neighbour j at i: radius |x_j − x_i| and angle θ_ij = atan2 of the edge projected onto
 *   (e1_i, e2_i).
 * - Transport angle g_ij along the edge j → i: rotate e1_j by the smallest rotation taking n_j to n_i
 *   and read its angle in the gauge of i. A tangent vector with angle φ in the gauge of j has angle
 *   φ + g_ij in the gauge of i; a feature of irrep order n is transported by ρ_n(g_ij).
 *
 * A change of gauge by angles α_i (e1'_i = cos α_i e1_i + sin α_i e2_i) changes θ_ij to θ_ij − α_i
 * and g_ij to g_ij + α_j − α_i; `MeshGauge.rotated(alpha)` builds that gauge from the geometry.
 */
import type { Mesh } from '../mesh/mesh.js';
import { cross3, dot3, normalize3, sub3, type Vec3, vertexNormals } from './basic.js';

export interface MeshGauge {
  /** float64 [V, 3] unit normals. */
  normals: Float64Array;
  /** float64 [V, 3] first tangent axis. */
  e1: Float64Array;
  /** float64 [V, 3] second tangent axis n × e1. */
  e2: Float64Array;
}

export interface EdgeGeometry {
  /** int32 [E]: target vertex i (where the feature arrives) of each directed edge. */
  targets: Int32Array;
  /** int32 [E]: source vertex j. */
  sources: Int32Array;
  /** float64 [E]: |x_j − x_i|. */
  radius: Float64Array;
  /** float64 [E]: angle θ_ij of the neighbour in the gauge of i. */
  angle: Float64Array;
  /** float64 [E]: transport angle g_ij from the gauge of j to the gauge of i. */
  transport: Float64Array;
}

const row = (a: Float64Array, i: number): Vec3 => [a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!];

/** Directed edges of the mesh (both directions of every undirected edge), sorted by target then source. */
export function directedEdges(mesh: Mesh): { targets: Int32Array; sources: Int32Array } {
  const e = mesh.halfedges.edges;
  const pairs: [number, number][] = [];
  for (let k = 0; k < e.length / 2; k++) {
    pairs.push([e[2 * k]!, e[2 * k + 1]!], [e[2 * k + 1]!, e[2 * k]!]);
  }
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { targets: Int32Array.from(pairs, (p) => p[0]), sources: Int32Array.from(pairs, (p) => p[1]) };
}

/** The GEM-CNN gauge: angle-weighted normals, e1 towards the first neighbour of the half-edge fan, projected. */
export function vertexGauges(mesh: Mesh): MeshGauge {
  const normals = vertexNormals(mesh);
  const nv = mesh.numVertices;
  const e1 = new Float64Array(nv * 3);
  const e2 = new Float64Array(nv * 3);
  const { vertexHalfedge } = mesh.halfedges;
  for (let i = 0; i < nv; i++) {
    const n = row(normals, i);
    const h = vertexHalfedge[i]!;
    let t: Vec3 = h >= 0 ? sub3(mesh.vertices, mesh.faces[h % 3 === 2 ? h - 2 : h + 1]!, i) : [1, 0, 0];
    const d = dot3(t, n);
    t = [t[0] - d * n[0], t[1] - d * n[1], t[2] - d * n[2]];
    if (Math.hypot(...t) < 1e-14) t = Math.abs(n[0]) < 0.9 ? cross3(n, [1, 0, 0]) : cross3(n, [0, 1, 0]);
    const a = normalize3(t);
    e1.set(a, 3 * i);
    e2.set(cross3(n, a), 3 * i);
  }
  return { normals, e1, e2 };
}

/** The gauge rotated by α_i at every vertex: e1' = cos α e1 + sin α e2, e2' = n × e1'. */
export function rotateGauge(gauge: MeshGauge, alpha: ArrayLike<number>): MeshGauge {
  const nv = gauge.e1.length / 3;
  const e1 = new Float64Array(nv * 3);
  const e2 = new Float64Array(nv * 3);
  for (let i = 0; i < nv; i++) {
    const c = Math.cos(alpha[i]!);
    const s = Math.sin(alpha[i]!);
    for (let k = 0; k < 3; k++) {
      e1[3 * i + k] = c * gauge.e1[3 * i + k]! + s * gauge.e2[3 * i + k]!;
      e2[3 * i + k] = -s * gauge.e1[3 * i + k]! + c * gauge.e2[3 * i + k]!;
    }
  }
  return { normals: gauge.normals, e1, e2 };
}

/** Rotates vector v by the smallest rotation taking unit a to unit b (Rodrigues). */
function alignRotate(v: Vec3, a: Vec3, b: Vec3): Vec3 {
  const axis = cross3(a, b);
  const s = Math.hypot(...axis);
  const c = dot3(a, b);
  if (s < 1e-15) return c > 0 ? v : [-v[0], -v[1], -v[2]]; // antiparallel normals: a degenerate case
  const k: Vec3 = [axis[0] / s, axis[1] / s, axis[2] / s];
  const kv = cross3(k, v);
  const kd = dot3(k, v);
  return [
    v[0] * c + kv[0] * s + k[0] * kd * (1 - c),
    v[1] * c + kv[1] * s + k[1] * kd * (1 - c),
    v[2] * c + kv[2] * s + k[2] * kd * (1 - c),
  ];
}

/** Log map (radius, angle) and transport angle of every directed edge, in the given gauge. */
export function edgeGeometry(mesh: Mesh, gauge: MeshGauge = vertexGauges(mesh)): EdgeGeometry {
  const { targets, sources } = directedEdges(mesh);
  const ne = targets.length;
  const radius = new Float64Array(ne);
  const angle = new Float64Array(ne);
  const transport = new Float64Array(ne);
  for (let e = 0; e < ne; e++) {
    const i = targets[e]!;
    const j = sources[e]!;
    const d = sub3(mesh.vertices, j, i);
    radius[e] = Math.hypot(...d);
    angle[e] = Math.atan2(dot3(d, row(gauge.e2, i)), dot3(d, row(gauge.e1, i)));
    const moved = alignRotate(row(gauge.e1, j), row(gauge.normals, j), row(gauge.normals, i));
    transport[e] = Math.atan2(dot3(moved, row(gauge.e2, i)), dot3(moved, row(gauge.e1, i)));
  }
  return { targets, sources, radius, angle, transport };
}
