/**
 * Baselines for GemConv on meshes.
 * - `MeshGCN`: isotropic graph convolution on the mesh graph, X' = D̂^−½ (A + I) D̂^−½ X W + b
 *   (Kipf & Welling), blind to directions.
 * - `GeodesicPolarConv`: the pre-gauge anisotropic convolution of Masci et al. 2015 — features are
 *   interpolated into a polar patch (a centre bin plus `angularBins` × `radialBins` bins around each
 *   vertex, in the vertex's local polar coordinates), correlated with a filter at every one of the
 *   `angularBins` rotations, and max-pooled over rotations, which makes the output independent of
 *   the (arbitrary) angular origin up to the bin resolution. The patch uses the 1-ring log map.
 * Shapes: x [V, inChannels] → [V, outChannels].
 */
import {
  concat,
  type Generator,
  indexAdd,
  indexSelect,
  nn,
  type Tensor,
  tensor,
  zeros,
} from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import { meanEdgeLength } from '../geometry/basic.js';
import type { ConvGeometry } from './mesh-geometry.js';

function checkFeatures(op: string, x: Tensor, v: number, c: number): void {
  if (x.ndim !== 2 || x.shape[0] !== v || x.shape[1] !== c)
    argError(op, 'x', `features of shape [${v}, ${c}]`, fmtShape(x.shape));
}

export class MeshGCN extends nn.Module {
  weight: Tensor;
  bias: Tensor;
  private cache = new WeakMap<ConvGeometry, { src: Tensor; dst: Tensor; w: Tensor }>();

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: { generator?: Generator } = {},
  ) {
    super();
    checkPositiveInt('MeshGCN', 'inChannels', inChannels);
    checkPositiveInt('MeshGCN', 'outChannels', outChannels);
    this.weight = this.registerParameter(
      'weight',
      nn.init.xavierUniform([inChannels, outChannels], { generator: opts.generator }),
    );
    this.bias = this.registerParameter('bias', zeros([outChannels]));
  }

  private normalized(g: ConvGeometry): { src: Tensor; dst: Tensor; w: Tensor } {
    let c = this.cache.get(g);
    if (!c) {
      const { sources, targets } = g.edges;
      const nv = g.numVertices;
      const deg = new Float64Array(nv).fill(1);
      for (const t of targets) deg[t]! += 1;
      const src = Int32Array.from([...sources, ...Array.from({ length: nv }, (_, i) => i)]);
      const dst = Int32Array.from([...targets, ...Array.from({ length: nv }, (_, i) => i)]);
      const w = Float32Array.from(src, (s, e) => 1 / Math.sqrt(deg[s]! * deg[dst[e]!]!));
      c = {
        src: tensor(src, [src.length], 'int32').keep(),
        dst: tensor(dst, [dst.length], 'int32').keep(),
        w: tensor(w, [w.length, 1]).keep(),
      };
      this.cache.set(g, c);
    }
    return c;
  }

  forward(x: Tensor, geom: ConvGeometry): Tensor {
    checkFeatures('MeshGCN.forward', x, geom.numVertices, this.inChannels);
    const { src, dst, w } = this.normalized(geom);
    const h = x.matmul(this.weight);
    return indexAdd(indexSelect(h, 0, src).mul(w), 0, dst, geom.numVertices).add(this.bias);
  }
}

export interface PolarConvOptions {
  angularBins?: number;
  radialBins?: number;
  generator?: Generator;
}

interface PolarPatch {
  /** int32 [E·B]: target·B + bin for every (edge, bin). */
  index: Tensor;
  /** int32 [E·B]: the edge of each (edge, bin) pair. */
  edge: Tensor;
  /** float32 [E·B, 1]: interpolation weight, normalised per (vertex, bin). */
  weight: Tensor;
}

export class GeodesicPolarConv extends nn.Module {
  readonly angularBins: number;
  readonly radialBins: number;
  /** [1 + angular·radial, inChannels, outChannels]: bin 0 is the centre. */
  weight: Tensor;
  bias: Tensor;
  private readonly rotationIndex: Tensor;
  private cache = new WeakMap<ConvGeometry, PolarPatch>();

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: PolarConvOptions = {},
  ) {
    super();
    checkPositiveInt('GeodesicPolarConv', 'inChannels', inChannels);
    checkPositiveInt('GeodesicPolarConv', 'outChannels', outChannels);
    this.angularBins = checkPositiveInt('GeodesicPolarConv', 'angularBins', opts.angularBins ?? 8);
    this.radialBins = checkPositiveInt('GeodesicPolarConv', 'radialBins', opts.radialBins ?? 2);
    const b = 1 + this.angularBins * this.radialBins;
    const std = Math.sqrt(2 / (b * inChannels));
    this.weight = this.registerParameter(
      'weight',
      nn.init.normal([b, inChannels, outChannels], 0, std, { generator: opts.generator }),
    );
    this.bias = this.registerParameter('bias', zeros([outChannels]));
    // Row r·B + bin of the stacked filters: the filter turned by r angular steps reads bin (a − r).
    const idx: number[] = [];
    const A = this.angularBins;
    for (let r = 0; r < A; r++) {
      idx.push(0);
      for (let rho = 0; rho < this.radialBins; rho++)
        for (let a = 0; a < A; a++) idx.push(1 + rho * A + ((a - r + A) % A));
    }
    this.rotationIndex = tensor(Int32Array.from(idx), [idx.length], 'int32').keep();
  }

  private patch(g: ConvGeometry): PolarPatch {
    let p = this.cache.get(g);
    if (p) return p;
    const { targets, radius, angle } = g.edges;
    const A = this.angularBins;
    const R = this.radialBins;
    const B = A * R;
    const h = meanEdgeLength(g.mesh);
    const idx: number[] = [];
    const edge: number[] = [];
    const w: number[] = [];
    for (let e = 0; e < targets.length; e++) {
      // Linear interpolation between the two nearest angular bins and the two nearest radial rings.
      const t = ((((angle[e]! / (2 * Math.PI)) * A) % A) + A) % A;
      const a0 = Math.floor(t);
      const fa = t - a0;
      const rr = R > 1 ? Math.min(Math.max((radius[e]! / h - 0.5) * (R - 1), 0), R - 1) : 0;
      const r0 = Math.min(Math.floor(rr), R - 1);
      const fr = rr - r0;
      for (const [ai, wa] of [
        [a0 % A, 1 - fa],
        [(a0 + 1) % A, fa],
      ] as const)
        for (const [ri, wr] of [
          [r0, 1 - fr],
          [Math.min(r0 + 1, R - 1), fr],
        ] as const) {
          if (wa * wr <= 0) continue;
          idx.push(targets[e]! * B + ri * A + ai);
          edge.push(e);
          w.push(wa * wr);
        }
    }
    const tot = new Float64Array(g.numVertices * B);
    idx.forEach((k, i) => {
      tot[k]! += w[i]!;
    });
    p = {
      index: tensor(Int32Array.from(idx), [idx.length], 'int32').keep(),
      edge: tensor(Int32Array.from(edge), [edge.length], 'int32').keep(),
      weight: tensor(
        Float32Array.from(w, (x, i) => x / tot[idx[i]!]!),
        [w.length, 1],
      ).keep(),
    };
    this.cache.set(g, p);
    return p;
  }

  forward(x: Tensor, geom: ConvGeometry): Tensor {
    checkFeatures('GeodesicPolarConv.forward', x, geom.numVertices, this.inChannels);
    const v = geom.numVertices;
    const A = this.angularBins;
    const B = A * this.radialBins;
    const c = this.inChannels;
    const p = this.patch(geom);
    const xj = indexSelect(x, 0, geom.sources);
    const bins = indexAdd(indexSelect(xj, 0, p.edge).mul(p.weight), 0, p.index, v * B).reshape([v, B * c]);
    const patchAll = concat([x, bins], 1); // [V, (1 + B)·c]: centre bin first
    // All rotations of the filter at once: [(1 + B)·c, A·out].
    const wr = indexSelect(this.weight, 0, this.rotationIndex)
      .reshape([A, (1 + B) * c, this.outChannels])
      .permute([1, 0, 2])
      .reshape([(1 + B) * c, A * this.outChannels]);
    return patchAll.matmul(wr).reshape([v, A, this.outChannels]).max(1).add(this.bias);
  }
}
