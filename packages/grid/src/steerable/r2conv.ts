import {
  concat,
  conv2d,
  type Generator,
  nn,
  noGrad,
  randn,
  type Tensor,
  tensor,
  zeros,
} from '@erlangen/core';
import { argError, checkNonNegativeInt, checkPositiveInt } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import type { Representation } from '../groups/representation.js';
import { invariantEmbedding } from '../nn/field-maps.js';
import { ExpandedFilterCache } from '../nn/filter-cache.js';
import { checkInput } from '../nn/input.js';
import { type KernelBasis, type KernelBasisOptions, kernelBasis } from './kernel-basis.js';

export interface R2ConvOptions extends KernelBasisOptions {
  /** Zero padding per side (default (k − 1)/2). */
  padding?: number;
  /** Stride (default 1). */
  stride?: number;
  /** A learnable bias on the invariant part of each output field (default true). */
  bias?: boolean;
  generator?: Generator;
}

interface Block {
  basis: KernelBasis;
  /** [size, dOut·dIn·k²] float32, kept. */
  samples: Tensor;
  outFields: number[];
  inFields: number[];
  /** Offset of this block's coefficients in `weights`. */
  offset: number;
}

/**
 * Steerable convolution between arbitrary field types of C_N or D_N (escnn's R2Conv): the filter is
 * a learned combination of the steerable kernel basis of every (output field, input field) pair, so
 * κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ holds by construction for every g of the group (exact on the grid
 * for multiples of 90°; up to interpolation for other angles). Weights: one coefficient per basis
 * element per field pair ([basisDimension]); bias: one per invariant direction of each output field
 * (a regular field has one, shared by its |G| channels; a non-trivial irrep none).
 *
 * In training mode the filter is expanded from the weights on every forward (a matmul per pair of
 * representation kinds and one gather); in eval mode it is expanded once and cached (rebuilt when the
 * weights are re-assigned, e.g. by an optimiser or `loadStateDict`), so inference costs one conv2d.
 * Shapes: [batch, inType.size, H, W] → [batch, outType.size, H', W'].
 */
export class R2Conv extends nn.Module {
  readonly inType: FieldType;
  readonly outType: FieldType;
  readonly kernelSize: number;
  readonly padding: number;
  readonly stride: number;
  weights: Tensor;
  bias: Tensor | null;
  private readonly blocks: Block[];
  private readonly assembly: Tensor;
  private readonly biasExpansion: Tensor | null;
  private readonly filterCache = new ExpandedFilterCache();

  constructor(inType: FieldType, outType: FieldType, kernelSize: number, opts: R2ConvOptions = {}) {
    super();
    const op = 'R2Conv';
    if (!(inType instanceof FieldType)) argError(op, 'inType', 'a FieldType', String(inType));
    if (!(outType instanceof FieldType)) argError(op, 'outType', 'a FieldType', String(outType));
    if (!inType.group.equals(outType.group))
      argError(op, 'outType', `a field type of ${inType.group.name} (the input's group)`, String(outType));
    checkPositiveInt(op, 'kernelSize', kernelSize);
    if (kernelSize % 2 === 0)
      argError(
        op,
        'kernelSize',
        'an odd size (an even filter has no centre pixel, so rotations do not map its grid onto itself)',
        String(kernelSize),
      );
    this.inType = inType;
    this.outType = outType;
    this.kernelSize = kernelSize;
    this.padding = checkNonNegativeInt(op, 'padding', opts.padding ?? (kernelSize - 1) / 2);
    this.stride = checkPositiveInt(op, 'stride', opts.stride ?? 1);
    const k2 = kernelSize * kernelSize;

    // Group fields by representation so each (out kind, in kind) pair expands with one matmul.
    const kinds = (type: FieldType) => {
      const map = new Map<string, { rep: Representation; fields: number[] }>();
      type.representations.forEach((rep, f) => {
        const entry = map.get(rep.name) ?? { rep, fields: [] };
        entry.fields.push(f);
        map.set(rep.name, entry);
      });
      return [...map.values()];
    };
    const offsetsOf = (type: FieldType) => {
      const o: number[] = [];
      let s = 0;
      for (const r of type.representations) {
        o.push(s);
        s += r.size;
      }
      return o;
    };
    const inOffsets = offsetsOf(inType);
    const outOffsets = offsetsOf(outType);
    this.blocks = [];
    let offset = 0;
    let flatOffset = 0;
    const assembly = new Int32Array(outType.size * inType.size * k2).fill(-1);
    const fanIn = new Map<string, number>();
    for (const o of kinds(outType)) {
      for (const i of kinds(inType)) {
        const basis = kernelBasis(i.rep, o.rep, kernelSize, opts);
        if (basis.size === 0) continue;
        const samples = tensor(Float32Array.from(basis.samples), [
          basis.size,
          o.rep.size * i.rep.size * k2,
        ]).keep();
        this.blocks.push({ basis, samples, outFields: o.fields, inFields: i.fields, offset });
        const dOut = o.rep.size;
        const dIn = i.rep.size;
        // Block values [nOut, nIn, dOut, dIn, k, k] land at filter[co, ci, p].
        o.fields.forEach((fo, lo) => {
          i.fields.forEach((fi, li) => {
            for (let a = 0; a < dOut; a++)
              for (let b = 0; b < dIn; b++)
                for (let p = 0; p < k2; p++) {
                  const src = flatOffset + (((lo * i.fields.length + li) * dOut + a) * dIn + b) * k2 + p;
                  assembly[((outOffsets[fo]! + a) * inType.size + inOffsets[fi]! + b) * k2 + p] = src;
                }
          });
        });
        offset += o.fields.length * i.fields.length * basis.size;
        flatOffset += o.fields.length * i.fields.length * dOut * dIn * k2;
        fanIn.set(o.rep.name, (fanIn.get(o.rep.name) ?? 0) + i.fields.length * basis.size);
      }
    }
    if (offset === 0)
      argError(
        op,
        'inType, outType',
        'field types with at least one equivariant kernel between them',
        `${inType} → ${outType} (empty basis for ${kernelSize}×${kernelSize} filters; try a larger kernel or higher maxFrequency)`,
      );
    // Pairs without any equivariant kernel stay zero: point them at an appended zero entry.
    for (let j = 0; j < assembly.length; j++) if (assembly[j] === -1) assembly[j] = flatOffset;
    this.assembly = tensor(assembly, [assembly.length], 'int32').keep();

    // Generalised He initialisation: Var(filter row of output field kind a) ≈ 2 / fan-in, with unit-norm
    // basis elements spread over the dOut rows of their block.
    const std = new Float32Array(offset);
    for (const b of this.blocks) {
      const dOut = b.basis.outRep.size;
      const s = Math.sqrt((2 * dOut) / fanIn.get(b.basis.outRep.name)!);
      std.fill(s, b.offset, b.offset + b.outFields.length * b.inFields.length * b.basis.size);
    }
    this.weights = this.registerParameter(
      'weights',
      randn([offset], { generator: opts.generator }).mul(tensor(std, [offset])),
    );

    const embedding = (opts.bias ?? true) ? invariantEmbedding(outType) : null;
    this.biasExpansion = embedding;
    this.bias = embedding ? this.registerParameter('bias', zeros([embedding.shape[1]!])) : null;
  }

  /** The number of learnable filter coefficients (escnn's basis dimension summed over field pairs). */
  get basisDimension(): number {
    return this.weights.size;
  }

  /** The kernel bases used, one per (output representation, input representation) pair. */
  get bases(): KernelBasis[] {
    return this.blocks.map((b) => b.basis);
  }

  /**
   * The filter [outType.size, inType.size, k, k] expanded from `weights` (default: this layer's;
   * shape [basisDimension]). Differentiable in the weights.
   */
  expandFilter(weights: Tensor = this.weights): Tensor {
    const k = this.kernelSize;
    const parts = this.blocks.map((b) => {
      const count = b.outFields.length * b.inFields.length;
      return weights
        .narrow(0, b.offset, count * b.basis.size)
        .reshape([count, b.basis.size])
        .matmul(b.samples)
        .reshape([-1]);
    });
    parts.push(zeros([1]));
    const flat = concat(parts, 0);
    return flat.indexSelect(0, this.assembly).reshape([this.outType.size, this.inType.size, k, k]);
  }

  /** The bias per output channel [outType.size] from `bias` (default: this layer's), or null without a bias. */
  expandBias(bias: Tensor | null = this.bias): Tensor | null {
    if (!bias || !this.biasExpansion) return null;
    return this.biasExpansion.matmul(bias.reshape([-1, 1])).reshape([-1]);
  }

  /** Drops the eval-mode filter cache (it is also rebuilt automatically when the weights are re-assigned). */
  invalidateCache(): void {
    this.filterCache.invalidate();
  }

  private filterAndBias(): { filter: Tensor; bias: Tensor | null } {
    return this.filterCache.get(this.training, this.weights, this.bias, () => ({
      filter: this.expandFilter(),
      bias: this.expandBias(),
    }));
  }

  forward(x: GeometricTensor): GeometricTensor {
    const input = checkInput('R2Conv', x, this.inType);
    const { filter, bias } = this.filterAndBias();
    const y = conv2d(input.tensor, filter, bias, { padding: this.padding, stride: this.stride });
    return new GeometricTensor(y, this.outType);
  }

  /** A plain core `Conv2d` holding the expanded filter and bias (a snapshot), for inference. */
  export(): nn.Conv2d {
    const conv = new nn.Conv2d(this.inType.size, this.outType.size, this.kernelSize, {
      padding: this.padding,
      stride: this.stride,
      bias: this.bias !== null,
    });
    noGrad(() => {
      conv.weight.assign(this.expandFilter());
      const b = this.expandBias();
      if (b && conv.bias) conv.bias.assign(b);
    });
    return conv;
  }

  protected override extraRepr(): string {
    return `${this.inType} → ${this.outType}, kernelSize=${this.kernelSize}, basis=${this.basisDimension}`;
  }
}
