/**
 * A gated norm nonlinearity for SO(2) feature fields: scalars go through ReLU, and every order-n
 * pair v = (a, b) is scaled by σ(|v|² + β) with a learned β per field. |v| does not change when the
 * gauge turns, so the layer is exactly gauge equivariant (unlike the package's RegularNonlinearity
 * with ReLU, which is exact only for turns by multiples of 2π/N), which is what lets the page's
 * equivariance check reach float32 rounding. Shapes: x [V, type.dim] → [V, type.dim].
 */
import { concat, nn, type Tensor, zeros } from '@erlangen/core';
import type { FieldType } from '@erlangen/mesh-gauge';

export class NormNonlinearity extends nn.Module {
  /** [fields of order ≥ 1]: the gate's offset β. */
  gateBias: Tensor;
  private readonly scalars: number;
  private readonly pairs: number;

  constructor(readonly type: FieldType) {
    super();
    this.scalars = type.multiplicities[0] ?? 0;
    this.pairs = type.multiplicities.slice(1).reduce((s, m) => s + m, 0);
    this.gateBias = this.registerParameter('gateBias', zeros([this.pairs]));
  }

  forward(x: Tensor): Tensor {
    const v = x.shape[0]!;
    const parts: Tensor[] = [];
    if (this.scalars) parts.push(x.narrow(1, 0, this.scalars).relu());
    if (this.pairs) {
      const pairs = x.narrow(1, this.scalars, 2 * this.pairs).reshape([v, this.pairs, 2]);
      const gate = pairs.square().sum(2).add(this.gateBias).sigmoid().reshape([v, this.pairs, 1]);
      parts.push(pairs.mul(gate).reshape([v, 2 * this.pairs]));
    }
    return parts.length === 1 ? parts[0]! : concat(parts, 1);
  }
}
