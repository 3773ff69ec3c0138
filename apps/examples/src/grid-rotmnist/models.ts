/**
 * The two models of the rotated-MNIST comparison, of about the same size (≈ 26k parameters):
 * a P4CNN (Cohen & Welling 2016: seven 3×3 layers, lifting then p4 group convolutions, batch norm,
 * ReLU, group max pooling and spatial max pooling at the end) and a plain CNN with the same layout and
 * more channels. Unlike the paper (one 2×2 max pool after layer 2) we pool after layers 1 and 4
 * (28 → 14 → 7), which cuts the cost per image about threefold for the 2-core budget.
 */
import { type Generator, maxPool2d, nn, type Tensor } from '@erlangen/core';
import {
  cyclicGroup,
  FieldBatchNorm,
  GeometricTensor,
  GroupConv,
  GroupPool,
  isotypicEnergies,
  LiftingConv,
  PointwiseMaxPool,
} from '@erlangen/grid';

export const P4 = cyclicGroup(4);

/** What each model records for the Fourier-energy plot: per stage, the energy per isotypic component. */
export type StageEnergies = { stage: string; energy: Tensor }[];

export class P4CNN extends nn.Module {
  readonly lift: LiftingConv;
  readonly convs: GroupConv[];
  readonly norms: FieldBatchNorm[];
  readonly last: GroupConv;
  private readonly pool: PointwiseMaxPool;
  private readonly gpool: GroupPool;

  constructor(fields: number, generator: Generator) {
    super();
    this.lift = new LiftingConv(P4, 1, fields, 3, { generator }); //  [B, 1, 28, 28] → [B, 4f, 28, 28]
    this.convs = Array.from({ length: 5 }, () => new GroupConv(P4, fields, fields, 3, { generator }));
    this.last = new GroupConv(P4, fields, 10, 3, { generator }); //     [B, 4f, 7, 7] → [B, 40, 7, 7]
    this.norms = Array.from({ length: 6 }, () => new FieldBatchNorm(this.lift.outType));
    this.pool = new PointwiseMaxPool(this.lift.outType, 2);
    this.gpool = new GroupPool(this.last.outType, 'max');
  }

  /** [B, 1, 28, 28] → logits [B, 10]. With `energies`, records each stage's isotypic energies. */
  forward(x: Tensor, energies?: StageEnergies): Tensor {
    let h = new GeometricTensor(x, this.lift.inType);
    const layers = [this.lift, ...this.convs];
    layers.forEach((conv, i) => {
      h = conv.forward(h);
      if (i === 0) h = this.pool.forward(h);
      h = this.norms[i]!.forward(h);
      if (energies) energies.push({ stage: `layer ${i + 1} conv+BN`, energy: isotypicEnergies(h).sum(0) });
      h = new GeometricTensor(h.tensor.relu(), h.type);
      if (energies) energies.push({ stage: `layer ${i + 1} ReLU`, energy: isotypicEnergies(h).sum(0) });
      if (i === 3) h = this.pool.forward(h);
    });
    h = this.last.forward(h);
    if (energies) energies.push({ stage: 'layer 7 conv', energy: isotypicEnergies(h).sum(0) });
    return this.gpool.forward(h).tensor.max([2, 3]);
  }
}

export class PlainCNN extends nn.Module {
  readonly convs: nn.Conv2d[];
  readonly norms: nn.BatchNorm2d[];

  constructor(channels: number, generator: Generator) {
    super();
    this.convs = [
      new nn.Conv2d(1, channels, 3, { padding: 1, generator }),
      ...Array.from({ length: 5 }, () => new nn.Conv2d(channels, channels, 3, { padding: 1, generator })),
      new nn.Conv2d(channels, 10, 3, { padding: 1, generator }),
    ];
    this.norms = Array.from({ length: 6 }, () => new nn.BatchNorm2d(channels));
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < 6; i++) {
      h = this.convs[i]!.forward(h);
      if (i === 0) h = maxPool2d(h, 2);
      h = this.norms[i]!.forward(h).relu();
      if (i === 3) h = maxPool2d(h, 2);
    }
    return this.convs[6]!.forward(h).max([2, 3]);
  }
}

export function parameterCount(m: nn.Module): number {
  return m.parameters().reduce((s, p) => s + p.size, 0);
}
