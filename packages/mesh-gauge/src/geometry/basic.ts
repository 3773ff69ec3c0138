/**
 * Per-face and per-vertex geometry on the float64 CPU path: face areas and unit normals, corner
 * angles, angle-weighted vertex normals, angle defect (discrete Gaussian curvature) and edge lengths.
 */
import type { Mesh } from '../mesh/mesh.js';

export type Vec3 = [number, number, number];

export const sub3 = (v: Float64Array, a: number, b: number): Vec3 => [
  v[3 * a]! - v[3 * b]!,
  v[3 * a + 1]! - v[3 * b + 1]!,
  v[3 * a + 2]! - v[3 * b + 2]!,
];
export const dot3 = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross3 = (a: Vec3, b: Vec3): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
export const norm3 = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
export const normalize3 = (a: Vec3): Vec3 => {
  const n = norm3(a) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** Angle between two vectors, robust near 0 and π (atan2 of |a × b| and a · b). */
export const angle3 = (a: Vec3, b: Vec3): number => Math.atan2(norm3(cross3(a, b)), dot3(a, b));

/** float64 [F]: triangle areas. */
export function faceAreas(mesh: Mesh): Float64Array {
  const out = new Float64Array(mesh.numFaces);
  const { faces: f, vertices: v } = mesh;
  for (let i = 0; i < mesh.numFaces; i++)
    out[i] = 0.5 * norm3(cross3(sub3(v, f[3 * i + 1]!, f[3 * i]!), sub3(v, f[3 * i + 2]!, f[3 * i]!)));
  return out;
}

/** float64 [F, 3]: unit face normals (right-hand rule on the corner order). */
export function faceNormals(mesh: Mesh): Float64Array {
  const out = new Float64Array(mesh.numFaces * 3);
  const { faces: f, vertices: v } = mesh;
  for (let i = 0; i < mesh.numFaces; i++)
    out.set(normalize3(cross3(sub3(v, f[3 * i + 1]!, f[3 * i]!), sub3(v, f[3 * i + 2]!, f[3 * i]!))), 3 * i);
  return out;
}

/** float64 [F, 3]: interior angle at each corner. */
export function cornerAngles(mesh: Mesh): Float64Array {
  const out = new Float64Array(mesh.numFaces * 3);
  const { faces: f, vertices: v } = mesh;
  for (let i = 0; i < mesh.numFaces; i++)
    for (let k = 0; k < 3; k++) {
      const a = f[3 * i + k]!;
      const b = f[3 * i + ((k + 1) % 3)]!;
      const c = f[3 * i + ((k + 2) % 3)]!;
      out[3 * i + k] = angle3(sub3(v, b, a), sub3(v, c, a));
    }
  return out;
}

/** float64 [V, 3]: unit vertex normals, face normals weighted by the corner angle at the vertex. */
export function vertexNormals(mesh: Mesh): Float64Array {
  const fn = faceNormals(mesh);
  const ang = cornerAngles(mesh);
  const out = new Float64Array(mesh.numVertices * 3);
  for (let i = 0; i < mesh.numFaces; i++)
    for (let k = 0; k < 3; k++) {
      const a = mesh.faces[3 * i + k]!;
      for (let c = 0; c < 3; c++) out[3 * a + c]! += ang[3 * i + k]! * fn[3 * i + c]!;
    }
  for (let a = 0; a < mesh.numVertices; a++)
    out.set(normalize3([out[3 * a]!, out[3 * a + 1]!, out[3 * a + 2]!]), 3 * a);
  return out;
}

/**
 * float64 [V]: angle defect 2π − Σ corner angles at interior vertices and π − Σ at boundary vertices,
 * so that Σ over all vertices = 2π χ (discrete Gauss–Bonnet, boundary turning included).
 */
export function angleDefect(mesh: Mesh): Float64Array {
  const ang = cornerAngles(mesh);
  const out = new Float64Array(mesh.numVertices);
  const boundary = mesh.halfedges.boundaryVertex;
  for (let v = 0; v < mesh.numVertices; v++) out[v] = boundary[v] ? Math.PI : 2 * Math.PI;
  for (let i = 0; i < mesh.faces.length; i++) out[mesh.faces[i]!]! -= ang[i]!;
  return out;
}

/** float64 [V]: barycentric vertex areas (one third of the incident face areas). */
export function vertexAreas(mesh: Mesh): Float64Array {
  const fa = faceAreas(mesh);
  const out = new Float64Array(mesh.numVertices);
  for (let i = 0; i < mesh.faces.length; i++) out[mesh.faces[i]!]! += fa[Math.floor(i / 3)]! / 3;
  return out;
}

/** Mean edge length (of the undirected edges). */
export function meanEdgeLength(mesh: Mesh): number {
  const e = mesh.halfedges.edges;
  let s = 0;
  for (let k = 0; k < e.length / 2; k++) s += norm3(sub3(mesh.vertices, e[2 * k + 1]!, e[2 * k]!));
  return s / (e.length / 2);
}
