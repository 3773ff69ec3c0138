/**
 * What a mesh convolution needs of a mesh, precomputed once on the host and uploaded: directed
 * edges (int32 tensors), the log map and transport angles of each edge in a gauge, radial ring
 * weights and the mean-aggregation normalisation.
 */
import { type Tensor, tensor } from '@erlangen/core';
import { checkPositiveInt } from '../errors.js';
import { meanEdgeLength } from '../geometry/basic.js';
import { type EdgeGeometry, edgeGeometry, type MeshGauge, vertexGauges } from '../geometry/gauge.js';
import type { Mesh } from '../mesh/mesh.js';
import { angleTables } from './irreps.js';

export interface ConvGeometryOptions {
  /** The gauge (default: the GEM-CNN gauge of `vertexGauges`). */
  gauge?: MeshGauge;
  /** Number of radial rings (default 2). */
  rings?: number;
}

export class ConvGeometry {
  readonly numVertices: number;
  readonly numEdges: number;
  readonly rings: number;
  readonly edges: EdgeGeometry;
  readonly gauge: MeshGauge;
  /** int32 [E]. */
  readonly sources: Tensor;
  /** int32 [E]. */
  readonly targets: Tensor;
  /** float32 [E, rings]: soft ring membership of each edge (rows sum to 1). */
  readonly ringWeights: Tensor;
  /** float32 [E, 1]: 1 / degree of the target, so messages are averaged. */
  readonly edgeNorm: Tensor;
  /** float32 [V, 1]: 1 / degree. */
  readonly invDegree: Float32Array;
  /** float64 [E]: g_ij − θ_ij (the angle neighbour features are rotated by before the kernel's W). */
  readonly inAngle: Float64Array;

  constructor(
    readonly mesh: Mesh,
    opts: ConvGeometryOptions = {},
  ) {
    this.rings = checkPositiveInt('ConvGeometry', 'rings', opts.rings ?? 2);
    this.gauge = opts.gauge ?? vertexGauges(mesh);
    this.edges = edgeGeometry(mesh, this.gauge);
    const { targets, sources, radius, angle, transport } = this.edges;
    this.numVertices = mesh.numVertices;
    this.numEdges = targets.length;
    const ne = this.numEdges;
    const deg = new Float32Array(this.numVertices);
    for (let e = 0; e < ne; e++) deg[targets[e]!]! += 1;
    this.invDegree = deg.map((d) => (d ? 1 / d : 0));
    const h = meanEdgeLength(mesh);
    // Ring centres spread over [0.5h, 1.5h]; Gaussian memberships normalised per edge.
    const w = new Float32Array(ne * this.rings);
    const sigma = this.rings > 1 ? h / (this.rings - 1) : 1;
    for (let e = 0; e < ne; e++) {
      let s = 0;
      for (let r = 0; r < this.rings; r++) {
        const c = this.rings > 1 ? h * (0.5 + r / (this.rings - 1)) : h;
        const v = this.rings > 1 ? Math.exp(-(((radius[e]! - c) / sigma) ** 2) / 2) : 1;
        w[e * this.rings + r] = v;
        s += v;
      }
      for (let r = 0; r < this.rings; r++) w[e * this.rings + r]! /= s || 1;
    }
    this.inAngle = Float64Array.from(transport, (g, e) => g - angle[e]!);
    this.sources = tensor(sources, [ne], 'int32').keep();
    this.targets = tensor(targets, [ne], 'int32').keep();
    this.ringWeights = tensor(w, [ne, this.rings]).keep();
    this.edgeNorm = tensor(
      Float32Array.from(targets, (t) => this.invDegree[t]!),
      [ne, 1],
    ).keep();
  }

  private tables = new Map<string, { cos: Tensor; sin: Tensor }>();

  /** cos/sin tables [E, maxOrder + 1] of g_ij − θ_ij ('in') or θ_ij ('out'), cached per order. */
  angleTables(kind: 'in' | 'out', maxOrder: number): { cos: Tensor; sin: Tensor } {
    const key = `${kind}${maxOrder}`;
    let t = this.tables.get(key);
    if (!t) {
      // One table of the highest order asked so far serves every lower order too.
      for (const [k, v] of this.tables)
        if (k.startsWith(kind) && Number(k.slice(kind.length)) >= maxOrder) return v;
      t = angleTables(kind === 'in' ? this.inAngle : this.edges.angle, maxOrder);
      this.tables.set(key, t);
    }
    return t;
  }

  /** The same mesh in another gauge (rotated by α_i at each vertex). */
  withGauge(gauge: MeshGauge): ConvGeometry {
    return new ConvGeometry(this.mesh, { gauge, rings: this.rings });
  }

  dispose(): void {
    for (const t of [this.sources, this.targets, this.ringWeights, this.edgeNorm]) t.dispose();
    for (const { cos, sin } of this.tables.values()) {
      cos.dispose();
      sin.dispose();
    }
    this.tables.clear();
  }
}
