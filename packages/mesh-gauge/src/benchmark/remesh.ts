/**
 * A different triangulation of the same vertices, for the benchmark's remeshed test split: random
 * edge flips (each face takes part in at most one flip per pass) that keep the surface manifold,
 * consistently oriented, free of duplicate edges, and do not fold (both new faces stay within 60° of
 * the old faces' mean normal). Vertex positions — and so the ground-truth correspondence — are
 * unchanged; the connectivity, edge lengths, cotan weights and one-rings are not.
 */
import { checkProbability } from '../errors.js';
import { Mesh } from '../mesh/mesh.js';
import { HostRandom } from './deform.js';

type V3 = [number, number, number];

export interface FlipResult {
  mesh: Mesh;
  flips: number;
}

export function randomEdgeFlips(
  mesh: Mesh,
  seed: number,
  opts: { probability?: number; passes?: number } = {},
): FlipResult {
  const p = opts.probability ?? 0.5;
  checkProbability('randomEdgeFlips', 'probability', p);
  const rng = new HostRandom(seed);
  const faces = Int32Array.from(mesh.faces);
  const v = mesh.vertices;
  const nv = mesh.numVertices;
  const pos = (i: number): V3 => [v[3 * i]!, v[3 * i + 1]!, v[3 * i + 2]!];
  const normal = (a: number, b: number, c: number): V3 => {
    const [pa, pb, pc] = [pos(a), pos(b), pos(c)];
    const u: V3 = [pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]];
    const w: V3 = [pc[0] - pa[0], pc[1] - pa[1], pc[2] - pa[2]];
    const n: V3 = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
    const l = Math.hypot(...n) || 1;
    return [n[0] / l, n[1] / l, n[2] / l];
  };
  const degree = new Int32Array(nv);
  for (const i of faces) degree[i]!++;
  let flips = 0;
  for (let pass = 0; pass < (opts.passes ?? 1); pass++) {
    const current = new Mesh(v, faces);
    const { twin, edges, halfedgeEdge } = current.halfedges;
    const edgeSet = new Set<number>();
    for (let e = 0; e < edges.length / 2; e++) edgeSet.add(edges[2 * e]! * nv + edges[2 * e + 1]!);
    const touched = new Uint8Array(current.numFaces);
    const order = Array.from({ length: edges.length / 2 }, (_, e) => e);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const heOfEdge = new Int32Array(edges.length / 2).fill(-1);
    for (let h = 0; h < halfedgeEdge.length; h++)
      if (heOfEdge[halfedgeEdge[h]!] === -1) heOfEdge[halfedgeEdge[h]!] = h;
    for (const e of order) {
      if (rng.uniform() >= p) continue;
      const h = heOfEdge[e]!;
      const t = twin[h]!;
      if (t < 0) continue;
      const f1 = Math.floor(h / 3);
      const f2 = Math.floor(t / 3);
      if (touched[f1] || touched[f2]) continue;
      // f1 = (a, b, c) with h = a→b; f2 = (b, a, d).
      const a = faces[h]!;
      const b = faces[h % 3 === 2 ? h - 2 : h + 1]!;
      const c = faces[h % 3 === 0 ? h + 2 : h - 1]!;
      const d = faces[t % 3 === 0 ? t + 2 : t - 1]!;
      if (c === d || degree[a]! <= 4 || degree[b]! <= 4) continue; // keep every valence ≥ 4
      if (edgeSet.has(Math.min(c, d) * nv + Math.max(c, d))) continue;
      const n1 = normal(a, b, c);
      const n2 = normal(b, a, d);
      const mean: V3 = [n1[0] + n2[0], n1[1] + n2[1], n1[2] + n2[2]];
      const ml = Math.hypot(...mean) || 1;
      const m: V3 = [mean[0] / ml, mean[1] / ml, mean[2] / ml];
      const m1 = normal(a, d, c);
      const m2 = normal(d, b, c);
      if (
        m1[0] * m[0] + m1[1] * m[1] + m1[2] * m[2] < 0.5 ||
        m2[0] * m[0] + m2[1] * m[1] + m2[2] * m[2] < 0.5
      )
        continue;
      faces.set([a, d, c], 3 * f1);
      faces.set([d, b, c], 3 * f2);
      degree[a]!--;
      degree[b]!--;
      degree[c]!++;
      degree[d]!++;
      edgeSet.delete(Math.min(a, b) * nv + Math.max(a, b));
      edgeSet.add(Math.min(c, d) * nv + Math.max(c, d));
      touched[f1] = touched[f2] = 1;
      flips++;
    }
  }
  return { mesh: new Mesh(v, faces), flips };
}
