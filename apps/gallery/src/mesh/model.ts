/**
 * The page's small gauge-equivariant network: three GemConvs (de Haan et al. 2021) with norm
 * nonlinearities, scalars → orders 0…2 → orders 0…2 → k scalar logits. Every layer is exactly
 * gauge equivariant, so the logits are gauge invariant up to float32 rounding.
 * Shapes: x [V, inFeatures] → logits [V, classes]; hidden() also returns the last hidden fields.
 */
import { nn, type Tensor } from '@erlangen/core';
import { type ConvGeometry, FieldType, GemConv } from '@erlangen/mesh-gauge';
import { NormNonlinearity } from './norm-nonlinearity.js';

export const HIDDEN_CHANNELS = 8;
export const HIDDEN_ORDER = 2;

export class RegionNet extends nn.Module {
  readonly hiddenType = FieldType.uniform(HIDDEN_CHANNELS, HIDDEN_ORDER);
  conv1: GemConv;
  act1: NormNonlinearity;
  conv2: GemConv;
  act2: NormNonlinearity;
  conv3: GemConv;

  constructor(inFeatures: number, classes: number, rings = 2) {
    super();
    this.conv1 = new GemConv(FieldType.scalars(inFeatures), this.hiddenType, rings);
    this.act1 = new NormNonlinearity(this.hiddenType);
    this.conv2 = new GemConv(this.hiddenType, this.hiddenType, rings);
    this.act2 = new NormNonlinearity(this.hiddenType);
    this.conv3 = new GemConv(this.hiddenType, FieldType.scalars(classes), rings);
  }

  /** [hidden [V, hiddenType.dim], logits [V, classes]]. */
  run(x: Tensor, geom: ConvGeometry): [Tensor, Tensor] {
    const h1 = this.act1.forward(this.conv1.forward(x, geom));
    const h2 = this.act2.forward(this.conv2.forward(h1, geom));
    return [h2, this.conv3.forward(h2, geom)];
  }

  forward(x: Tensor, geom: ConvGeometry): Tensor {
    return this.run(x, geom)[1];
  }
}
