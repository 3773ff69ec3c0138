import { argError } from '../errors.js';

/**
 * The icosahedral geodesic grid: the 12 icosahedron vertices, each triangle split into four
 * `level` times and the new vertices projected onto the unit sphere: 10·4^level + 2 points, all
 * with 6 neighbours except the 12 original vertices (5).
 */
export interface IcosahedralSampling {
  readonly kind: 'icosahedral';
  readonly level: number;
  readonly npoints: number;
  /** Unit vectors `[npoints, 3]`. */
  readonly xyz: Float64Array;
  readonly theta: Float64Array;
  readonly phi: Float64Array;
  /** Triangles `[nfaces, 3]`, counter-clockwise seen from outside. */
  readonly faces: Int32Array;
  /** Quadrature weights `[npoints]`: a third of the spherical area of each incident triangle (sum 4π). */
  readonly weights: Float64Array;
}

export const ICOSAHEDRAL_MAX_LEVEL = 9;

function sphericalTriangleArea(a: number[], b: number[], c: number[]): number {
  // Van Oosterom & Strackee: tan(E/2) = |a·(b×c)| / (1 + a·b + b·c + c·a).
  const cx = b[1]! * c[2]! - b[2]! * c[1]!;
  const cy = b[2]! * c[0]! - b[0]! * c[2]!;
  const cz = b[0]! * c[1]! - b[1]! * c[0]!;
  const triple = a[0]! * cx + a[1]! * cy + a[2]! * cz;
  const dot = (u: number[], v: number[]) => u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
  return 2 * Math.abs(Math.atan2(triple, 1 + dot(a, b) + dot(b, c) + dot(c, a)));
}

export function icosahedralSampling(level: number): IcosahedralSampling {
  if (!Number.isInteger(level) || level < 0 || level > ICOSAHEDRAL_MAX_LEVEL)
    argError('icosahedralSampling', 'level', `an integer in [0, ${ICOSAHEDRAL_MAX_LEVEL}]`, String(level));
  const t = (1 + Math.sqrt(5)) / 2;
  const verts: number[][] = [
    [-1, t, 0],
    [1, t, 0],
    [-1, -t, 0],
    [1, -t, 0],
    [0, -1, t],
    [0, 1, t],
    [0, -1, -t],
    [0, 1, -t],
    [t, 0, -1],
    [t, 0, 1],
    [-t, 0, -1],
    [-t, 0, 1],
  ].map((v) => {
    const r = Math.hypot(v[0]!, v[1]!, v[2]!);
    return [v[0]! / r, v[1]! / r, v[2]! / r];
  });
  let faces: number[][] = [
    [0, 11, 5],
    [0, 5, 1],
    [0, 1, 7],
    [0, 7, 10],
    [0, 10, 11],
    [1, 5, 9],
    [5, 11, 4],
    [11, 10, 2],
    [10, 7, 6],
    [7, 1, 8],
    [3, 9, 4],
    [3, 4, 2],
    [3, 2, 6],
    [3, 6, 8],
    [3, 8, 9],
    [4, 9, 5],
    [2, 4, 11],
    [6, 2, 10],
    [8, 6, 7],
    [9, 8, 1],
  ];
  for (let s = 0; s < level; s++) {
    const mid = new Map<number, number>();
    const midpoint = (a: number, b: number): number => {
      const key = a < b ? a * 1e7 + b : b * 1e7 + a;
      const hit = mid.get(key);
      if (hit !== undefined) return hit;
      const va = verts[a]!;
      const vb = verts[b]!;
      const m = [va[0]! + vb[0]!, va[1]! + vb[1]!, va[2]! + vb[2]!];
      const r = Math.hypot(m[0]!, m[1]!, m[2]!);
      verts.push([m[0]! / r, m[1]! / r, m[2]! / r]);
      mid.set(key, verts.length - 1);
      return verts.length - 1;
    };
    const next: number[][] = [];
    for (const [a, b, c] of faces as [number, number, number][]) {
      const ab = midpoint(a, b);
      const bc = midpoint(b, c);
      const ca = midpoint(c, a);
      next.push([a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]);
    }
    faces = next;
  }
  const n = verts.length;
  const xyz = new Float64Array(n * 3);
  const theta = new Float64Array(n);
  const phi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y, z] = verts[i] as [number, number, number];
    xyz.set([x, y, z], 3 * i);
    theta[i] = Math.acos(Math.max(-1, Math.min(1, z)));
    const p = Math.atan2(y, x);
    phi[i] = p < 0 ? p + 2 * Math.PI : p;
  }
  const weights = new Float64Array(n);
  for (const [a, b, c] of faces as [number, number, number][]) {
    const area = sphericalTriangleArea(verts[a]!, verts[b]!, verts[c]!) / 3;
    weights[a]! += area;
    weights[b]! += area;
    weights[c]! += area;
  }
  return {
    kind: 'icosahedral',
    level,
    npoints: n,
    xyz,
    theta,
    phi,
    faces: Int32Array.from(faces.flat()),
    weights,
  };
}
