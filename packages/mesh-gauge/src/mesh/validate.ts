/**
 * Validation, repair and welding. `validateMesh` lists every problem it finds; `assertValidMesh`
 * throws an ErlangenError that names them; `repairMesh` fixes what can be fixed without guessing
 * (degenerate and duplicate faces, unreferenced vertices, inconsistent orientation, duplicate
 * vertices) and leaves non-manifold edges as an error.
 */
import { ErlangenError } from '../errors.js';
import { Mesh } from './mesh.js';

export type MeshIssueKind =
  | 'degenerate-face'
  | 'duplicate-face'
  | 'non-manifold-edge'
  | 'inconsistent-orientation'
  | 'unreferenced-vertex';

export interface MeshIssue {
  kind: MeshIssueKind;
  /** Face indices (faces), vertex pairs (edges) or vertex indices involved. */
  elements: number[];
  message: string;
}

export interface ValidateOptions {
  /** A face is degenerate when its area is below this (default 1e-14 × the squared bounding-box diagonal). */
  areaTolerance?: number;
}

function bboxDiagonal(mesh: Mesh): number {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mesh.numVertices; i++)
    for (let c = 0; c < 3; c++) {
      const x = mesh.vertices[3 * i + c]!;
      if (x < lo[c]!) lo[c] = x;
      if (x > hi[c]!) hi[c] = x;
    }
  return mesh.numVertices ? Math.hypot(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!) : 0;
}

function faceArea(v: Float64Array, a: number, b: number, c: number): number {
  const ux = v[3 * b]! - v[3 * a]!;
  const uy = v[3 * b + 1]! - v[3 * a + 1]!;
  const uz = v[3 * b + 2]! - v[3 * a + 2]!;
  const wx = v[3 * c]! - v[3 * a]!;
  const wy = v[3 * c + 1]! - v[3 * a + 1]!;
  const wz = v[3 * c + 2]! - v[3 * a + 2]!;
  return 0.5 * Math.hypot(uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx);
}

const LIST = 8;
const few = (xs: number[]): string =>
  xs.slice(0, LIST).join(', ') + (xs.length > LIST ? `, … (${xs.length} in all)` : '');

/** Every problem of the mesh (empty array: a valid, edge-manifold, consistently oriented triangle mesh). */
export function validateMesh(mesh: Mesh, opts: ValidateOptions = {}): MeshIssue[] {
  const issues: MeshIssue[] = [];
  const { faces, vertices } = mesh;
  const nv = mesh.numVertices;
  const tol = opts.areaTolerance ?? 1e-14 * bboxDiagonal(mesh) ** 2;
  const degenerate: number[] = [];
  const duplicate: number[] = [];
  const seenFaces = new Set<string>();
  const edgeUses = new Map<number, number[]>(); // undirected key → signed uses (+1 if i<j direction, −1 otherwise)
  const referenced = new Uint8Array(nv);
  for (let f = 0; f < mesh.numFaces; f++) {
    const a = faces[3 * f]!;
    const b = faces[3 * f + 1]!;
    const c = faces[3 * f + 2]!;
    referenced[a] = referenced[b] = referenced[c] = 1;
    if (a === b || b === c || a === c || faceArea(vertices, a, b, c) <= tol) {
      degenerate.push(f);
      continue;
    }
    const key = [a, b, c].sort((x, y) => x - y).join(',');
    if (seenFaces.has(key)) {
      duplicate.push(f);
      continue;
    }
    seenFaces.add(key);
    for (const [i, j] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      const k = Math.min(i, j) * nv + Math.max(i, j);
      const uses = edgeUses.get(k) ?? [];
      uses.push(i < j ? 1 : -1);
      edgeUses.set(k, uses);
    }
  }
  if (degenerate.length)
    issues.push({
      kind: 'degenerate-face',
      elements: degenerate,
      message: `${degenerate.length} degenerate face(s) (repeated vertex or zero area): faces ${few(degenerate)}`,
    });
  if (duplicate.length)
    issues.push({
      kind: 'duplicate-face',
      elements: duplicate,
      message: `${duplicate.length} duplicate face(s): faces ${few(duplicate)}`,
    });
  const nonManifold: number[] = [];
  const flipped: number[] = [];
  for (const [k, uses] of edgeUses) {
    const i = Math.floor(k / nv);
    const j = k % nv;
    if (uses.length > 2) nonManifold.push(i, j);
    else if (uses.length === 2 && uses[0] === uses[1]) flipped.push(i, j);
  }
  const pairs = (xs: number[]): string => {
    const out: string[] = [];
    for (let e = 0; e < xs.length / 2 && e < LIST; e++) out.push(`${xs[2 * e]}–${xs[2 * e + 1]}`);
    return out.join(', ') + (xs.length / 2 > LIST ? `, … (${xs.length / 2} in all)` : '');
  };
  if (nonManifold.length)
    issues.push({
      kind: 'non-manifold-edge',
      elements: nonManifold,
      message: `${nonManifold.length / 2} non-manifold edge(s) shared by more than two faces: edges ${pairs(nonManifold)}`,
    });
  if (flipped.length)
    issues.push({
      kind: 'inconsistent-orientation',
      elements: flipped,
      message: `${flipped.length / 2} edge(s) traversed in the same direction by both faces (inconsistent orientation): edges ${pairs(flipped)}`,
    });
  const unreferenced: number[] = [];
  for (let i = 0; i < nv; i++) if (!referenced[i]) unreferenced.push(i);
  if (unreferenced.length)
    issues.push({
      kind: 'unreferenced-vertex',
      elements: unreferenced,
      message: `${unreferenced.length} unreferenced vertex/vertices: ${few(unreferenced)}`,
    });
  return issues;
}

/** Throws an ErlangenError listing every problem `validateMesh` finds. */
export function assertValidMesh(mesh: Mesh, opts: ValidateOptions = {}): void {
  const issues = validateMesh(mesh, opts);
  if (issues.length)
    throw new ErlangenError(
      `Mesh is not a valid manifold triangle mesh: ${issues.map((i) => i.message).join('; ')} (repairMesh fixes all but non-manifold edges)`,
    );
}

export interface WeldResult {
  mesh: Mesh;
  /** int32 [V_old]: new index of every old vertex. */
  map: Int32Array;
}

/**
 * Merges vertices closer than `tolerance` (default 1e-9 × bounding-box diagonal) into their first
 * occurrence and drops faces that collapse. Uses a hash grid, so it is O(V) for small tolerances.
 */
export function weldVertices(mesh: Mesh, tolerance?: number): WeldResult {
  const tol = tolerance ?? 1e-9 * Math.max(bboxDiagonal(mesh), 1e-300);
  const v = mesh.vertices;
  const nv = mesh.numVertices;
  const cell = tol > 0 ? tol * 2 : 1;
  const grid = new Map<string, number[]>();
  const map = new Int32Array(nv);
  const kept: number[] = [];
  for (let i = 0; i < nv; i++) {
    const x = v[3 * i]!;
    const y = v[3 * i + 1]!;
    const z = v[3 * i + 2]!;
    const gx = Math.floor(x / cell);
    const gy = Math.floor(y / cell);
    const gz = Math.floor(z / cell);
    let found = -1;
    for (let dx = -1; dx <= 1 && found < 0; dx++)
      for (let dy = -1; dy <= 1 && found < 0; dy++)
        for (let dz = -1; dz <= 1 && found < 0; dz++) {
          const bucket = grid.get(`${gx + dx},${gy + dy},${gz + dz}`);
          if (!bucket) continue;
          for (const j of bucket) {
            const o = kept[j]!;
            if (Math.hypot(v[3 * o]! - x, v[3 * o + 1]! - y, v[3 * o + 2]! - z) <= tol) {
              found = j;
              break;
            }
          }
        }
    if (found < 0) {
      found = kept.length;
      kept.push(i);
      const key = `${gx},${gy},${gz}`;
      const bucket = grid.get(key);
      if (bucket) bucket.push(found);
      else grid.set(key, [found]);
    }
    map[i] = found;
  }
  const verts = new Float64Array(kept.length * 3);
  kept.forEach((o, j) => {
    verts.set(v.subarray(3 * o, 3 * o + 3), 3 * j);
  });
  const faces: number[] = [];
  for (let f = 0; f < mesh.numFaces; f++) {
    const a = map[mesh.faces[3 * f]!]!;
    const b = map[mesh.faces[3 * f + 1]!]!;
    const c = map[mesh.faces[3 * f + 2]!]!;
    if (a !== b && b !== c && a !== c) faces.push(a, b, c);
  }
  return { mesh: new Mesh(verts, Int32Array.from(faces)), map };
}

export interface RepairOptions extends ValidateOptions {
  /** Weld duplicate vertices first (tolerance as in weldVertices; default false). */
  weld?: boolean | number;
}

export interface RepairResult {
  mesh: Mesh;
  /** What was changed, in words. */
  log: string[];
  /** int32 [V_old]: new index of every old vertex, −1 if removed. */
  vertexMap: Int32Array;
}

/**
 * Removes degenerate and duplicate faces and unreferenced vertices, orients each connected
 * component consistently (breadth-first over faces, flipping where a shared edge runs the same
 * way twice), and optionally welds duplicate vertices. Throws if non-manifold edges remain or a
 * component is non-orientable (a Möbius strip).
 */
export function repairMesh(mesh: Mesh, opts: RepairOptions = {}): RepairResult {
  const log: string[] = [];
  let vertexMap: Int32Array = Int32Array.from({ length: mesh.numVertices }, (_, i) => i);
  if (opts.weld !== undefined && opts.weld !== false) {
    const before = mesh.numVertices;
    const w = weldVertices(mesh, typeof opts.weld === 'number' ? opts.weld : undefined);
    mesh = w.mesh;
    vertexMap = w.map;
    if (before !== mesh.numVertices) log.push(`welded ${before - mesh.numVertices} duplicate vertices`);
  }
  const issues = validateMesh(mesh, opts);
  const drop = new Set<number>();
  for (const i of issues)
    if (i.kind === 'degenerate-face' || i.kind === 'duplicate-face') for (const f of i.elements) drop.add(f);
  if (drop.size) log.push(`removed ${drop.size} degenerate/duplicate faces`);
  const nm = issues.find((i) => i.kind === 'non-manifold-edge');
  if (nm) throw new ErlangenError(`repairMesh: cannot repair ${nm.message}`);
  let faces: number[] = [];
  for (let f = 0; f < mesh.numFaces; f++)
    if (!drop.has(f)) faces.push(mesh.faces[3 * f]!, mesh.faces[3 * f + 1]!, mesh.faces[3 * f + 2]!);
  const flips = orientFaces(faces, mesh.vertices);
  if (flips) log.push(`flipped ${flips} faces to a consistent orientation`);
  // Drop unreferenced vertices.
  const used = new Int32Array(mesh.numVertices).fill(-1);
  let nKept = 0;
  for (const idx of faces) if (used[idx] === -1) used[idx] = -2;
  const verts: number[] = [];
  for (let i = 0; i < mesh.numVertices; i++)
    if (used[i] === -2) {
      used[i] = nKept++;
      verts.push(mesh.vertices[3 * i]!, mesh.vertices[3 * i + 1]!, mesh.vertices[3 * i + 2]!);
    }
  if (nKept !== mesh.numVertices) log.push(`removed ${mesh.numVertices - nKept} unreferenced vertices`);
  faces = faces.map((i) => used[i]!);
  vertexMap = vertexMap.map((i) => used[i]!);
  return { mesh: new Mesh(Float64Array.from(verts), Int32Array.from(faces)), log, vertexMap };
}

/**
 * Flips faces in place so that every shared edge runs in opposite directions, then turns each
 * component whose signed volume is negative inside out (outward normals on closed surfaces);
 * returns the number of faces whose orientation changed.
 */
function orientFaces(faces: number[], vertices: Float64Array): number {
  const nv = vertices.length / 3;
  const nf = faces.length / 3;
  const original = faces.slice();
  const adj = new Map<number, number[]>(); // undirected edge → faces
  for (let f = 0; f < nf; f++)
    for (let k = 0; k < 3; k++) {
      const i = faces[3 * f + k]!;
      const j = faces[3 * f + ((k + 1) % 3)]!;
      const key = Math.min(i, j) * nv + Math.max(i, j);
      const l = adj.get(key);
      if (l) l.push(f);
      else adj.set(key, [f]);
    }
  const dirOf = (f: number, i: number, j: number): number => {
    for (let k = 0; k < 3; k++) {
      if (faces[3 * f + k] === i && faces[3 * f + ((k + 1) % 3)] === j) return 1;
      if (faces[3 * f + k] === j && faces[3 * f + ((k + 1) % 3)] === i) return -1;
    }
    return 0;
  };
  const state = new Int8Array(nf); // 0 unvisited, 1 kept, −1 flipped
  const flip = (g: number): void => {
    const t = faces[3 * g + 1]!;
    faces[3 * g + 1] = faces[3 * g + 2]!;
    faces[3 * g + 2] = t;
  };
  for (let seed = 0; seed < nf; seed++) {
    if (state[seed]) continue;
    state[seed] = 1;
    const queue = [seed];
    const component = [seed];
    while (queue.length) {
      const f = queue.pop()!;
      for (let k = 0; k < 3; k++) {
        const i = faces[3 * f + k]!;
        const j = faces[3 * f + ((k + 1) % 3)]!;
        for (const g of adj.get(Math.min(i, j) * nv + Math.max(i, j))!) {
          if (g === f) continue;
          // f (as already fixed) runs i→j; g must run j→i.
          const want = -1;
          const have = dirOf(g, i, j);
          if (!state[g]) {
            if (have !== want) {
              flip(g);
              state[g] = -1;
            } else state[g] = 1;
            queue.push(g);
            component.push(g);
          } else if (have !== want)
            throw new ErlangenError(
              `repairMesh: the surface is non-orientable (face ${g} cannot agree with face ${f} along edge ${i}–${j})`,
            );
        }
      }
    }
    let volume = 0;
    for (const f of component) {
      const [a, b, c] = [faces[3 * f]!, faces[3 * f + 1]!, faces[3 * f + 2]!];
      const ax = vertices[3 * a]!;
      const ay = vertices[3 * a + 1]!;
      const az = vertices[3 * a + 2]!;
      const bx = vertices[3 * b]!;
      const by = vertices[3 * b + 1]!;
      const bz = vertices[3 * b + 2]!;
      const cx = vertices[3 * c]!;
      const cy = vertices[3 * c + 1]!;
      const cz = vertices[3 * c + 2]!;
      volume += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    }
    if (volume < 0) for (const f of component) flip(f);
  }
  let flips = 0;
  for (let f = 0; f < nf; f++) if (faces[3 * f + 1] !== original[3 * f + 1]) flips++;
  return flips;
}
