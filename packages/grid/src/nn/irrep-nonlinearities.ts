import { nn, type Tensor, zeros } from '@erlangen/core';
import { argError } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import { trivialRepresentation } from '../groups/representation.js';
import { fieldIndicator } from './field-maps.js';
import { checkInput } from './input.js';

/** ε under the square root of a field's squared norm, so the gradient at a zero field stays finite. */
const NORM_EPS = 1e-12;

/**
 * Norm nonlinearity (escnn's NormNonLinearity) for fields of any orthogonal representation (irreps
 * included): each field f is rescaled by a function of its norm, f ↦ f · σ(|f| − b)/|f| with one
 * learnable bias b per field ('n_relu': σ = ReLU; 'n_sigmoid': σ = sigmoid·|f|, i.e. f·sigmoid(|f| − b);
 * 'squash': f / (|f| + 1), no bias). The norm is invariant under ρ(g), so the map is equivariant.
 * Shapes: [batch, type.size, H, W] → same.
 */
export class NormNonLinearity extends nn.Module {
  readonly bias: Tensor | null;
  private readonly indicator: Tensor;

  constructor(
    readonly type: FieldType,
    readonly fn: 'n_relu' | 'n_sigmoid' | 'squash' = 'n_relu',
  ) {
    super();
    if (!(type instanceof FieldType)) argError('NormNonLinearity', 'type', 'a FieldType', String(type));
    if (!['n_relu', 'n_sigmoid', 'squash'].includes(fn))
      argError('NormNonLinearity', 'fn', "'n_relu', 'n_sigmoid' or 'squash'", String(fn));
    this.indicator = fieldIndicator(type);
    this.bias = fn === 'squash' ? null : this.registerParameter('bias', zeros([type.fields]).add(0.1));
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('NormNonLinearity', x, this.type).tensor;
    const [batch, channels, height, width] = t.shape as [number, number, number, number];
    const flat = t.reshape([batch, channels, height * width]);
    const norms = this.indicator.matmul(flat.square()).add(NORM_EPS).sqrt(); // [B, F, HW]
    let scale: Tensor;
    if (this.fn === 'squash') scale = norms.add(1).reciprocal();
    else {
      const shifted = norms.sub(this.bias!.reshape([-1, 1]));
      scale = this.fn === 'n_relu' ? shifted.relu().div(norms) : shifted.sigmoid();
    }
    const perChannel = this.indicator.transpose(0, 1).matmul(scale); // [B, C, HW]
    return new GeometricTensor(flat.mul(perChannel).reshape([batch, channels, height, width]), this.type);
  }
}

/**
 * Gated nonlinearity (escnn's GatedNonLinearity1, Weiler et al. 2018): every gated field f is multiplied
 * by sigmoid(s) of its own scalar gate s, an invariant (trivial) field. Input type: the gates (one
 * trivial field per gated field) followed by the gated fields; output type: the gated fields.
 * Shapes: [batch, fields + gated.size, H, W] → [batch, gated.size, H, W].
 */
export class GatedNonLinearity extends nn.Module {
  readonly inType: FieldType;
  private readonly indicator: Tensor;

  constructor(readonly outType: FieldType) {
    super();
    if (!(outType instanceof FieldType))
      argError('GatedNonLinearity', 'outType', 'a FieldType', String(outType));
    const group = outType.group;
    this.inType = new FieldType(group, [
      ...Array(outType.fields).fill(trivialRepresentation(group)),
      ...outType.representations,
    ]);
    this.indicator = fieldIndicator(outType);
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('GatedNonLinearity', x, this.inType).tensor;
    const [batch, , height, width] = t.shape as [number, number, number, number];
    const fields = this.outType.fields;
    const gates = t
      .narrow(1, 0, fields)
      .reshape([batch, fields, height * width])
      .sigmoid();
    const gated = t.narrow(1, fields, this.outType.size).reshape([batch, this.outType.size, height * width]);
    const perChannel = this.indicator.transpose(0, 1).matmul(gates);
    return new GeometricTensor(
      gated.mul(perChannel).reshape([batch, this.outType.size, height, width]),
      this.outType,
    );
  }
}
