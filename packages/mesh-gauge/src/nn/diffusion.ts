/**
 * DiffusionNet-style blocks (Sharp, Attaiki, Crane, Ovsjanikov 2022): learned diffusion through a
 * truncated spectral basis, x ↦ Φ (e^{−λ t_c} ⊙ Φᵀ M x) with a learned time t_c ≥ 0 per channel, and
 * frame-invariant spatial gradient features: per-vertex gradients g = gx + i·gy of the diffused
 * channels (in each vertex's tangent gauge), b = g A with a learned complex matrix A, and
 * tanh(Re(g ⊙ conj(b))) — unchanged when any vertex's gauge turns, because g and b both pick up
 * the same phase e^{−iα}. Shapes: x [V, channels] → [V, channels].
 */
import { concat, type Generator, indexAdd, indexSelect, nn, type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt, fmtShape } from '../errors.js';
import { generalizedEigen } from '../geometry/eigen.js';
import { type MeshGauge, vertexGauges } from '../geometry/gauge.js';
import { vertexGradient } from '../geometry/gradient.js';
import { cotanLaplacian, lumpedMass } from '../geometry/laplacian.js';
import type { CsrMatrix } from '../geometry/sparse.js';
import type { Mesh } from '../mesh/mesh.js';

interface SparseRows {
  rows: Tensor;
  cols: Tensor;
  values: Tensor;
}

function sparseTensors(m: CsrMatrix): SparseRows {
  const rows = new Int32Array(m.nnz);
  for (let r = 0; r < m.rows; r++) rows.fill(r, m.indptr[r]!, m.indptr[r + 1]!);
  return {
    rows: tensor(rows, [m.nnz], 'int32').keep(),
    cols: tensor(Int32Array.from(m.indices), [m.nnz], 'int32').keep(),
    values: tensor(Float32Array.from(m.values), [m.nnz, 1]).keep(),
  };
}

function spmm(s: SparseRows, x: Tensor, rows: number): Tensor {
  return indexAdd(indexSelect(x, 0, s.cols).mul(s.values), 0, s.rows, rows);
}

/** The spectral basis, lumped mass and tangent gradient operators a DiffusionNet block uses. */
export class SpectralGeometry {
  readonly numVertices: number;
  /** float32 [V, k], M-orthonormal. */
  readonly evecs: Tensor;
  /** float32 [k, 1]. */
  readonly evals: Tensor;
  /** float32 [V, 1] lumped vertex areas. */
  readonly mass: Tensor;
  readonly gradX: SparseRows;
  readonly gradY: SparseRows;
  readonly eigenvalues: Float64Array;

  constructor(
    mesh: Mesh,
    k: number,
    opts: { gauge?: MeshGauge; eigen?: { values: Float64Array; vectors: Float64Array } } = {},
  ) {
    checkPositiveInt('SpectralGeometry', 'k', k);
    this.numVertices = mesh.numVertices;
    const L = cotanLaplacian(mesh);
    const M = lumpedMass(mesh);
    const eig = opts.eigen ?? generalizedEigen(L, M, k);
    this.eigenvalues = eig.values;
    this.evecs = tensor(Float32Array.from(eig.vectors), [mesh.numVertices, k]).keep();
    this.evals = tensor(Float32Array.from(eig.values), [k, 1]).keep();
    this.mass = tensor(Float32Array.from(M.diagonalValues()), [mesh.numVertices, 1]).keep();
    const { gx, gy } = vertexGradient(mesh, opts.gauge ?? vertexGauges(mesh));
    this.gradX = sparseTensors(gx);
    this.gradY = sparseTensors(gy);
  }
}

export class LearnedDiffusion extends nn.Module {
  /** [channels]: diffusion time of each channel (used as |t|). */
  time: Tensor;
  constructor(readonly channels: number) {
    super();
    this.time = this.registerParameter('time', tensor(Float32Array.from({ length: channels }, () => 0.01)));
  }
  forward(x: Tensor, g: SpectralGeometry): Tensor {
    const spec = g.evecs.transpose(0, 1).matmul(x.mul(g.mass)); // [k, C]
    const decay = g.evals.mul(this.time.abs().unsqueeze(0)).neg().exp(); // [k, C]
    return g.evecs.matmul(spec.mul(decay));
  }
}

/** tanh(Re(g ⊙ conj(g A))) for the per-vertex gradients g of every channel: [V, C] → [V, C]. */
export class GradientFeatures extends nn.Module {
  aRe: Tensor;
  aIm: Tensor;
  constructor(
    readonly channels: number,
    opts: { generator?: Generator } = {},
  ) {
    super();
    const std = 1 / Math.sqrt(channels);
    this.aRe = this.registerParameter('aRe', nn.init.normal([channels, channels], 0, std, opts));
    this.aIm = this.registerParameter('aIm', nn.init.normal([channels, channels], 0, std, opts));
  }
  forward(x: Tensor, g: SpectralGeometry): Tensor {
    const gx = spmm(g.gradX, x, g.numVertices);
    const gy = spmm(g.gradY, x, g.numVertices);
    const bRe = gx.matmul(this.aRe).sub(gy.matmul(this.aIm));
    const bIm = gx.matmul(this.aIm).add(gy.matmul(this.aRe));
    return gx.mul(bRe).add(gy.mul(bIm)).tanh();
  }
}

/** One DiffusionNet block: diffusion, gradient features, a two-layer MLP on [x, diffused, gradient features], residual. */
export class DiffusionBlock extends nn.Module {
  diffusion: LearnedDiffusion;
  gradient: GradientFeatures;
  mlp1: nn.Linear;
  mlp2: nn.Linear;
  constructor(
    readonly channels: number,
    opts: { generator?: Generator } = {},
  ) {
    super();
    checkPositiveInt('DiffusionBlock', 'channels', channels);
    this.diffusion = new LearnedDiffusion(channels);
    this.gradient = new GradientFeatures(channels, opts);
    this.mlp1 = new nn.Linear(3 * channels, channels, opts);
    this.mlp2 = new nn.Linear(channels, channels, opts);
  }
  forward(x: Tensor, g: SpectralGeometry): Tensor {
    if (x.ndim !== 2 || x.shape[0] !== g.numVertices || x.shape[1] !== this.channels)
      argError(
        'DiffusionBlock.forward',
        'x',
        `features of shape [${g.numVertices}, ${this.channels}]`,
        fmtShape(x.shape),
      );
    const d = this.diffusion.forward(x, g);
    const gf = this.gradient.forward(d, g);
    return x.add(this.mlp2.forward(this.mlp1.forward(concat([x, d, gf], 1)).relu()));
  }
}
