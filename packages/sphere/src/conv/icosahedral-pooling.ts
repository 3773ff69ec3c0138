import { argError, ErlangenError, fmtShape, type Tensor, tensor } from '@erlangen/core';
import { ICOSAHEDRAL_MAX_LEVEL, icosahedralSampling } from '../sampling/icosahedral.js';

/**
 * How level ℓ of the icosahedral grid sits on level ℓ−1. Subdivision keeps every vertex and appends
 * the edge midpoints, so the first `coarse` = 10·4^(ℓ−1)+2 vertices of level ℓ are level ℓ−1's.
 */
export interface IcosahedralHierarchy {
  /** The fine level ℓ ≥ 1. */
  readonly level: number;
  readonly fine: number;
  readonly coarse: number;
  /**
   * `[coarse, 7]`: each coarse vertex followed by its fine-level neighbours (6, or 5 at the 12
   * icosahedron vertices, where the last slot repeats the vertex itself).
   */
  readonly ring: Int32Array;
  /** `[coarse]`: how many of the 7 slots are distinct (7, or 6 at the 12 icosahedron vertices). */
  readonly ringSize: Int32Array;
  /**
   * `[fine, 2]`: the coarse vertices a fine vertex is interpolated from — (v, v) for a coarse vertex,
   * the two endpoints of the coarse edge it bisects for a midpoint.
   */
  readonly parents: Int32Array;
}

const hierarchyCache = new Map<number, IcosahedralHierarchy>();

/** Number of vertices at a level: 10·4^level + 2. */
function pointsAt(level: number): number {
  return 10 * 4 ** level + 2;
}

/** The level whose vertex count is n, or −1. */
function levelOf(n: number): number {
  for (let l = 0; l <= ICOSAHEDRAL_MAX_LEVEL; l++) if (pointsAt(l) === n) return l;
  return -1;
}

/** The coarse-to-fine structure between levels ℓ−1 and ℓ (cached per level). */
export function icosahedralHierarchy(level: number): IcosahedralHierarchy {
  if (!Number.isInteger(level) || level < 1 || level > ICOSAHEDRAL_MAX_LEVEL)
    argError('icosahedralHierarchy', 'level', `an integer in [1, ${ICOSAHEDRAL_MAX_LEVEL}]`, String(level));
  const hit = hierarchyCache.get(level);
  if (hit) return hit;
  const s = icosahedralSampling(level);
  const fine = s.npoints;
  const coarse = pointsAt(level - 1);
  const adjacency: Set<number>[] = Array.from({ length: fine }, () => new Set<number>());
  for (let f = 0; f < s.faces.length; f += 3) {
    const [a, b, c] = [s.faces[f]!, s.faces[f + 1]!, s.faces[f + 2]!];
    adjacency[a]!.add(b).add(c);
    adjacency[b]!.add(a).add(c);
    adjacency[c]!.add(a).add(b);
  }
  const ring = new Int32Array(coarse * 7);
  const ringSize = new Int32Array(coarse);
  for (let v = 0; v < coarse; v++) {
    const nb = [...adjacency[v]!];
    ring[v * 7] = v;
    for (let j = 0; j < 6; j++) ring[v * 7 + 1 + j] = j < nb.length ? nb[j]! : v;
    ringSize[v] = 1 + nb.length;
  }
  const parents = new Int32Array(fine * 2);
  for (let v = 0; v < fine; v++) {
    if (v < coarse) {
      parents[2 * v] = v;
      parents[2 * v + 1] = v;
      continue;
    }
    // A midpoint's only coarse neighbours are the two ends of the edge it bisects.
    const ends = [...adjacency[v]!].filter((u) => u < coarse);
    if (ends.length !== 2)
      throw new ErlangenError(
        `icosahedralHierarchy: internal error, midpoint ${v} has ${ends.length} coarse neighbours`,
      );
    parents[2 * v] = ends[0]!;
    parents[2 * v + 1] = ends[1]!;
  }
  const h = { level, fine, coarse, ring, ringSize, parents };
  hierarchyCache.set(level, h);
  return h;
}

function checkVertices(op: string, x: Tensor, minLevel: number): number {
  const n = x.ndim === 0 ? -1 : x.shape[x.ndim - 1]!;
  const level = levelOf(n);
  if (level < minLevel)
    argError(
      op,
      'x',
      `last axis of 10·4^ℓ + 2 icosahedral vertices (ℓ ≥ ${minLevel}: ${pointsAt(minLevel)}, ${pointsAt(minLevel + 1)}, …)`,
      fmtShape(x.shape),
    );
  return level;
}

/**
 * Pooling from icosahedral level ℓ to ℓ−1 over the fine 1-ring of every coarse vertex (the vertex and
 * its 6, or 5, fine neighbours): plain `'mean'` or `'max'`. Differentiable (a gather and a
 * reduction). Shapes: `[..., 10·4^ℓ + 2]` → `[..., 10·4^(ℓ−1) + 2]`.
 */
export function icosahedralPool(x: Tensor, mode: 'mean' | 'max' = 'mean'): Tensor {
  const level = checkVertices('icosahedralPool', x, 1);
  if (mode !== 'mean' && mode !== 'max') argError('icosahedralPool', 'mode', "'mean' or 'max'", String(mode));
  const h = icosahedralHierarchy(level);
  const lead = x.shape.slice(0, -1);
  const gathered = x
    .indexSelect(x.ndim - 1, tensor(h.ring, [h.ring.length], 'int32'))
    .reshape([...lead, h.coarse, 7]);
  if (mode === 'max') return gathered.max(-1); // the repeated slot cannot change a max
  const weights = new Float32Array(h.coarse * 7);
  for (let v = 0; v < h.coarse; v++)
    for (let j = 0; j < h.ringSize[v]!; j++) weights[v * 7 + j] = 1 / h.ringSize[v]!;
  return gathered.mul(tensor(weights, [h.coarse, 7])).sum(-1);
}

/**
 * Unpooling from icosahedral level ℓ−1 to ℓ: coarse vertices keep their value, every edge midpoint
 * gets the mean of the edge's two ends (linear interpolation along the coarse edge). Differentiable
 * (two gathers). Shapes: `[..., 10·4^(ℓ−1) + 2]` → `[..., 10·4^ℓ + 2]`.
 */
export function icosahedralUnpool(x: Tensor): Tensor {
  const coarseLevel = checkVertices('icosahedralUnpool', x, 0);
  if (coarseLevel + 1 > ICOSAHEDRAL_MAX_LEVEL)
    argError('icosahedralUnpool', 'x', `a level below ${ICOSAHEDRAL_MAX_LEVEL}`, fmtShape(x.shape));
  const h = icosahedralHierarchy(coarseLevel + 1);
  const first = new Int32Array(h.fine);
  const second = new Int32Array(h.fine);
  for (let v = 0; v < h.fine; v++) {
    first[v] = h.parents[2 * v]!;
    second[v] = h.parents[2 * v + 1]!;
  }
  const axis = x.ndim - 1;
  return x
    .indexSelect(axis, tensor(first, [h.fine], 'int32'))
    .add(x.indexSelect(axis, tensor(second, [h.fine], 'int32')))
    .mul(0.5);
}
