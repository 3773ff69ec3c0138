/**
 * Half-edge connectivity for triangle meshes. Half-edge h = 3·f + k runs from corner k of face f
 * to corner k + 1, so `next`, `prev` and `face` are arithmetic; only `twin` is stored.
 */
import { ErlangenError } from '../errors.js';
import type { Mesh } from './mesh.js';

export interface Halfedges {
  /** int32 [3F]: the opposite half-edge, or −1 on the boundary. */
  twin: Int32Array;
  /** int32 [V]: one outgoing half-edge per vertex (the boundary one on boundary vertices), −1 if isolated. */
  vertexHalfedge: Int32Array;
  /** int32 [E, 2]: undirected edges (i < j), sorted. */
  edges: Int32Array;
  /** int32 [3F]: undirected edge of each half-edge. */
  halfedgeEdge: Int32Array;
  /** bool per vertex: lies on the boundary. */
  boundaryVertex: Uint8Array;
  /** Number of boundary half-edges (0 for a closed mesh). */
  numBoundaryHalfedges: number;
}

export const heNext = (h: number): number => (h % 3 === 2 ? h - 2 : h + 1);
export const hePrev = (h: number): number => (h % 3 === 0 ? h + 2 : h - 1);
export const heTail = (mesh: Mesh, h: number): number => mesh.faces[h]!;
export const heHead = (mesh: Mesh, h: number): number => mesh.faces[heNext(h)]!;

/** Builds the half-edge structure; throws if an edge is non-manifold or orientation is inconsistent. */
export function buildHalfedges(mesh: Mesh): Halfedges {
  const nv = mesh.numVertices;
  const nh = mesh.faces.length;
  const directed = new Map<number, number>();
  for (let h = 0; h < nh; h++) {
    const a = heTail(mesh, h);
    const b = heHead(mesh, h);
    const key = a * nv + b;
    if (directed.has(key))
      throw new ErlangenError(
        `Mesh.halfedges: edge ${a}→${b} is used twice in the same direction (faces ${Math.floor(directed.get(key)! / 3)} and ${Math.floor(h / 3)}): the mesh is non-manifold or inconsistently oriented; run validateMesh / repairMesh`,
      );
    directed.set(key, h);
  }
  const twin = new Int32Array(nh).fill(-1);
  const vertexHalfedge = new Int32Array(nv).fill(-1);
  const boundaryVertex = new Uint8Array(nv);
  const halfedgeEdge = new Int32Array(nh).fill(-1);
  const edgeList: [number, number][] = [];
  let numBoundary = 0;
  for (let h = 0; h < nh; h++) {
    const a = heTail(mesh, h);
    const b = heHead(mesh, h);
    const t = directed.get(b * nv + a);
    if (t !== undefined) twin[h] = t;
    else {
      numBoundary++;
      boundaryVertex[a] = 1;
      boundaryVertex[b] = 1;
    }
    if (vertexHalfedge[a] === -1 || t === undefined) vertexHalfedge[a] = h;
    if (a < b || t === undefined) edgeList.push([Math.min(a, b), Math.max(a, b)]);
  }
  // A boundary vertex must start its CCW fan at the outgoing half-edge without a twin.
  for (let h = 0; h < nh; h++) if (twin[h] === -1) vertexHalfedge[heTail(mesh, h)] = h;
  edgeList.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const edges = new Int32Array(edgeList.length * 2);
  const edgeIndex = new Map<number, number>();
  edgeList.forEach(([i, j], e) => {
    edges[2 * e] = i;
    edges[2 * e + 1] = j;
    edgeIndex.set(i * nv + j, e);
  });
  for (let h = 0; h < nh; h++) {
    const a = heTail(mesh, h);
    const b = heHead(mesh, h);
    halfedgeEdge[h] = edgeIndex.get(Math.min(a, b) * nv + Math.max(a, b))!;
  }
  return { twin, vertexHalfedge, edges, halfedgeEdge, boundaryVertex, numBoundaryHalfedges: numBoundary };
}

/**
 * The one-ring of vertex v in counter-clockwise order (for a boundary vertex, from one boundary
 * neighbour to the other).
 */
export function oneRing(mesh: Mesh, v: number): number[] {
  const { twin, vertexHalfedge } = mesh.halfedges;
  const start = vertexHalfedge[v]!;
  if (start < 0) return [];
  const ring: number[] = [];
  let h = start;
  for (let guard = 0; guard <= mesh.faces.length; guard++) {
    ring.push(heHead(mesh, h));
    const p = hePrev(h);
    const t = twin[p]!;
    if (t === -1) {
      ring.push(heTail(mesh, p));
      break;
    }
    h = t;
    if (h === start) break;
  }
  return ring;
}
