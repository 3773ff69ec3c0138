/**
 * Gauge-equivariant mesh convolution (GemConv; de Haan, Weiler, Cohen, Welling 2021).
 *
 *   out_i = Σ_n A_n x_i|_n  +  (1/deg i) Σ_{j ∈ N(i)} Σ_r w_r(|x_j − x_i|) K_r(θ_ij) ρ_in(g_ij) x_j  + b
 *
 * with the kernel constraint solved as K_r(θ) = ρ_out(θ) W_r ρ_in(−θ): for every W_r this satisfies
 * K(θ − g) = ρ_out(−g) K(θ) ρ_in(g), and between orders m and n it spans the whole solution space
 * (1, 2, 2 and 4 dimensions for m, n = 0/0, 0/n, m/0 and m/n ≥ 1; frequencies |n − m| and n + m).
 * So a message is: gather x_j (indexSelect), rotate by ρ_in(g_ij − θ_ij), mix rings and channels with
 * one matmul, rotate by ρ_out(θ_ij), average at i (indexAdd). The self-interaction A is restricted
 * to intertwiners (a scalar matrix on order 0, complex-multiplication blocks a·I + b·J on order n ≥ 1,
 * nothing between different orders) and the bias acts on order-0 fields only.
 *
 * Under a change of gauge by α_i, features transform as x_i → ρ(−α_i) x_i and so does the output.
 * Shapes: x [V, inType.dim] → [V, outType.dim].
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
import { argError } from '../errors.js';
import { FieldType, rotateFieldsWith } from './irreps.js';
import type { ConvGeometry } from './mesh-geometry.js';

export interface GemConvOptions {
  bias?: boolean;
  generator?: Generator;
}

export class GemConv extends nn.Module {
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly rings: number;
  /** [rings · inType.dim, outType.dim]: the free matrices W_r of the kernel, stacked. */
  weight: Tensor;
  /** Self-interaction per order: order 0 [c_in, c_out]; order n ≥ 1 [2, c_in, c_out] (real and imaginary part). */
  selfWeights: Tensor[];
  /** [mult_out[0]] bias of the scalar fields, or null. */
  bias: Tensor | null;
  private readonly selfOrders: number[];
  /** Where each entry of the [inType.dim, outType.dim] self-interaction matrix comes from. */
  private readonly selfLayout: { index: Tensor; sign: Tensor };

  constructor(
    inType: FieldType | readonly number[],
    outType: FieldType | readonly number[],
    rings = 2,
    opts: GemConvOptions = {},
  ) {
    super();
    this.inType = inType instanceof FieldType ? inType : new FieldType(inType);
    this.outType = outType instanceof FieldType ? outType : new FieldType(outType);
    if (!Number.isInteger(rings) || rings < 1)
      argError('GemConv', 'rings', 'a positive integer', String(rings));
    this.rings = rings;
    const gen = { generator: opts.generator };
    const fanIn = this.inType.dim * (rings + 1);
    const std = Math.sqrt(2 / fanIn);
    this.weight = this.registerParameter(
      'weight',
      nn.init.normal([rings * this.inType.dim, this.outType.dim], 0, std, gen),
    );
    const selfWeights: Tensor[] = [];
    this.selfOrders = [];
    const orders = Math.min(this.inType.maxOrder, this.outType.maxOrder);
    for (let n = 0; n <= orders; n++) {
      const ci = this.inType.multiplicities[n]!;
      const co = this.outType.multiplicities[n]!;
      if (!ci || !co) continue;
      this.selfOrders.push(n);
      selfWeights.push(nn.init.normal(n === 0 ? [ci, co] : [2, ci, co], 0, std, gen).requireGrad());
    }
    this.selfWeights = selfWeights;
    this.selfLayout = this.buildSelfLayout();
    this.bias =
      (opts.bias ?? true) && this.outType.multiplicities[0]
        ? this.registerParameter('bias', zeros([this.outType.multiplicities[0]!]))
        : null;
  }

  /**
   * Entry (r, c) of the self-interaction matrix reads flat parameter index[r·dout + c] times sign
   * (the last flat entry is a constant 0). Order n ≥ 1 blocks are complex multiplications:
   * [a_i → a_o] = Re, [b_i → a_o] = −Im, [a_i → b_o] = Im, [b_i → b_o] = Re.
   */
  private buildSelfLayout(): { index: Tensor; sign: Tensor } {
    const din = this.inType.dim;
    const dout = this.outType.dim;
    let total = 0;
    for (const w of this.selfWeights) total += w.size;
    const index = new Int32Array(din * dout).fill(total);
    const sign = new Float32Array(din * dout);
    let base = 0;
    this.selfOrders.forEach((n) => {
      const ci = this.inType.multiplicities[n]!;
      const co = this.outType.multiplicities[n]!;
      const oi = this.inType.offset(n);
      const oo = this.outType.offset(n);
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          if (n === 0) {
            index[(oi + i) * dout + oo + o] = base + i * co + o;
            sign[(oi + i) * dout + oo + o] = 1;
            continue;
          }
          const re = base + i * co + o;
          const im = base + ci * co + i * co + o;
          const ai = oi + 2 * i;
          const ao = oo + 2 * o;
          for (const [r, c, idx, sg] of [
            [ai, ao, re, 1],
            [ai + 1, ao, im, -1],
            [ai, ao + 1, im, 1],
            [ai + 1, ao + 1, re, 1],
          ] as const) {
            index[r * dout + c] = idx;
            sign[r * dout + c] = sg;
          }
        }
      base += n === 0 ? ci * co : 2 * ci * co;
    });
    return { index: tensor(index, [din * dout], 'int32').keep(), sign: tensor(sign, [din * dout]).keep() };
  }

  forward(x: Tensor, geom: ConvGeometry): Tensor {
    this.inType.check('GemConv.forward', 'x', x, geom.numVertices);
    if (geom.rings !== this.rings)
      argError('GemConv.forward', 'geom', `a ConvGeometry with ${this.rings} rings`, `${geom.rings} rings`);
    const ne = geom.numEdges;
    const din = this.inType.dim;
    // Neighbour features, transported to the gauge of i and rotated by −θ_ij: ρ_in(g_ij − θ_ij) x_j.
    const xj = rotateFieldsWith(
      indexSelect(x, 0, geom.sources),
      this.inType,
      geom.angleTables('in', this.inType.maxOrder),
    );
    // Σ_r w_r W_r as one matmul over [E, rings · din].
    const spread = xj
      .unsqueeze(1)
      .mul(geom.ringWeights.unsqueeze(2))
      .reshape([ne, this.rings * din]);
    let msg = spread.matmul(this.weight);
    msg = rotateFieldsWith(msg, this.outType, geom.angleTables('out', this.outType.maxOrder)).mul(
      geom.edgeNorm,
    );
    let out = indexAdd(msg, 0, geom.targets, geom.numVertices);
    out = out.add(this.selfInteraction(x));
    if (this.bias) {
      const c0 = this.outType.multiplicities[0]!;
      const rest = this.outType.dim - c0;
      out = out.add(rest ? concat([this.bias, zeros([rest])], 0) : this.bias);
    }
    return out;
  }

  /** Σ_n A_n x|_n with intertwiners only: [V, inType.dim] → [V, outType.dim], as one matmul. */
  private selfInteraction(x: Tensor): Tensor {
    const flat = concat([...this.selfWeights.map((w) => w.reshape([-1])), zeros([1])], 0);
    const matrix = indexSelect(flat, 0, this.selfLayout.index).mul(this.selfLayout.sign);
    return x.matmul(matrix.reshape([this.inType.dim, this.outType.dim]));
  }
}
