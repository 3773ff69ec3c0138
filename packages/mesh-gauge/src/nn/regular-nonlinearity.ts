/**
 * RegularNonlinearity (GEM-CNN): read each channel's orders 0 … L as the Fourier coefficients of a
 * function on the circle, f(t) = a₀ + Σ_n (a_n cos nt + b_n sin nt), sample it at N equally spaced
 * angles, apply a pointwise nonlinearity, and project back onto orders 0 … L. A gauge change by α
 * shifts f by α, so the layer is exactly equivariant for shifts by multiples of 2π/N, for the
 * identity when N ≥ 2L + 1, and approximately otherwise (the error falls as N grows).
 * Shapes: x [V, type.dim] → [V, type.dim], type = FieldType.uniform(c, L).
 */
import { nn, type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt } from '../errors.js';
import type { FieldType } from './irreps.js';

export class RegularNonlinearity extends nn.Module {
  readonly samples: number;
  private readonly toSamples: Tensor;
  private readonly fromSamples: Tensor;

  constructor(
    readonly type: FieldType,
    samples: number,
    readonly activation: (x: Tensor) => Tensor = (x) => x.relu(),
  ) {
    super();
    this.samples = checkPositiveInt('RegularNonlinearity', 'samples', samples);
    const c = type.multiplicities[0]!;
    const L = type.maxOrder;
    if (!type.multiplicities.every((m) => m === c))
      argError(
        'RegularNonlinearity',
        'type',
        'the same multiplicity for every order 0 … L (FieldType.uniform)',
        String(type),
      );
    if (samples < 2 * L + 1)
      argError(
        'RegularNonlinearity',
        'samples',
        `at least 2·maxOrder + 1 = ${2 * L + 1} (fewer alias the orders)`,
        String(samples),
      );
    const d = type.dim;
    const N = samples;
    const S = new Float32Array(d * c * N); // [d, c·N]
    const P = new Float32Array(c * N * d); // [c·N, d]
    for (let k = 0; k < c; k++)
      for (let s = 0; s < N; s++) {
        const t = (2 * Math.PI * s) / N;
        const col = k * N + s;
        S[k * c * N + col] = 1;
        P[col * d + k] = 1 / N;
        for (let n = 1; n <= L; n++) {
          const ia = type.offset(n) + 2 * k;
          S[ia * c * N + col] = Math.cos(n * t);
          S[(ia + 1) * c * N + col] = Math.sin(n * t);
          P[col * d + ia] = (2 / N) * Math.cos(n * t);
          P[col * d + ia + 1] = (2 / N) * Math.sin(n * t);
        }
      }
    this.toSamples = tensor(S, [d, c * N]).keep();
    this.fromSamples = tensor(P, [c * N, d]).keep();
  }

  forward(x: Tensor): Tensor {
    this.type.check('RegularNonlinearity.forward', 'x', x);
    return this.activation(x.matmul(this.toSamples)).matmul(this.fromSamples);
  }
}
