/**
 * Parallel transport of a tangent vector along a path of vertices with the package's discrete
 * Levi-Civita connection (float64 CPU path): a vector at angle φ in the gauge of j arrives at angle
 * φ + g_ij in the gauge of i (edgeGeometry's transport angle of the edge j → i). Paths: a shortest
 * path by edge length (Dijkstra), or the closed loop through a vertex's one-ring, whose holonomy
 * (the turn of the vector after one lap) approximates the Gaussian curvature it encloses.
 */
import { type EdgeGeometry, type Mesh, oneRing } from '@erlangen/mesh-gauge';

export interface TransportResult {
  /** The vertices visited, in order (a loop repeats its first vertex at the end). */
  path: number[];
  /** Angle of the vector in the gauge of each path vertex. */
  angles: number[];
}

/** Wraps an angle into (−π, π]. */
export function wrapAngle(a: number): number {
  const t = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  return t <= -Math.PI ? t + 2 * Math.PI : t;
}

export class Transporter {
  private readonly edgeIndex = new Map<number, number>();
  private readonly nv: number;

  constructor(
    readonly mesh: Mesh,
    readonly edges: EdgeGeometry,
  ) {
    this.nv = mesh.numVertices;
    edges.targets.forEach((t, e) => {
      this.edgeIndex.set(t * this.nv + edges.sources[e]!, e);
    });
  }

  /** Transport angle g_ij of the edge j → i. */
  private transport(j: number, i: number): number {
    const e = this.edgeIndex.get(i * this.nv + j);
    if (e === undefined) throw new Error(`vertices ${j} and ${i} are not joined by an edge`);
    return this.edges.transport[e]!;
  }

  /** Carries a vector at angle `angle` (gauge of path[0]) along `path`. */
  along(path: number[], angle: number): TransportResult {
    const angles = [angle];
    for (let k = 1; k < path.length; k++)
      angles.push(wrapAngle(angles[k - 1]! + this.transport(path[k - 1]!, path[k]!)));
    return { path, angles };
  }

  /** The one-ring of `centre` as a closed counter-clockwise loop. */
  ringLoop(centre: number): number[] {
    const ring = oneRing(this.mesh, centre);
    return [...ring, ring[0]!];
  }

  /** Shortest path by edge length from `from` to `to` (Dijkstra; fine for a few thousand vertices). */
  shortestPath(from: number, to: number): number[] {
    const dist = new Float64Array(this.nv).fill(Infinity);
    const prev = new Int32Array(this.nv).fill(-1);
    const done = new Uint8Array(this.nv);
    const { targets, sources, radius } = this.edges;
    // Edges are sorted by target: first edge of each vertex, so neighbours are a slice.
    const first = new Int32Array(this.nv + 1);
    for (const t of targets) first[t + 1]!++;
    for (let i = 0; i < this.nv; i++) first[i + 1]! += first[i]!;
    dist[from] = 0;
    for (;;) {
      let u = -1;
      for (let i = 0; i < this.nv; i++) if (!done[i] && (u < 0 || dist[i]! < dist[u]!)) u = i;
      if (u < 0 || dist[u] === Infinity || u === to) break;
      done[u] = 1;
      for (let e = first[u]!; e < first[u + 1]!; e++) {
        const w = sources[e]!;
        const d = dist[u]! + radius[e]!;
        if (d < dist[w]!) {
          dist[w] = d;
          prev[w] = u;
        }
      }
    }
    const path = [to];
    while (path[path.length - 1] !== from) {
      const p = prev[path[path.length - 1]!]!;
      if (p < 0) throw new Error(`vertex ${to} cannot be reached from vertex ${from}`);
      path.push(p);
    }
    return path.reverse();
  }
}
