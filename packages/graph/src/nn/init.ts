/** Parameter helpers shared by the layers (PyG's initialisation choices). */
import { type Generator, nn, type Tensor, zeros } from '@erlangen/core';

export interface LayerInitOptions {
  /** Source of the initial weights (default: the global generator). */
  generator?: Generator;
}

/** A bias-free Linear with Glorot-uniform weights (PyG's `Linear(..., weight_initializer='glorot')`). */
export function glorotLinear(
  inFeatures: number,
  outFeatures: number,
  opts: LayerInitOptions = {},
): nn.Linear {
  const lin = new nn.Linear(inFeatures, outFeatures, { bias: false, generator: opts.generator });
  nn.init.xavierUniform(lin.weight, { generator: opts.generator });
  return lin;
}

/** A zero-initialised bias [n], or null. */
export function zeroBias(n: number, enabled: boolean): Tensor | null {
  return enabled ? zeros([n]).requireGrad() : null;
}

/** Glorot-uniform values of `shape`, fans taken from the last two axes (PyG's `glorot` on attention vectors). */
export function glorot(shape: readonly number[], opts: LayerInitOptions = {}): Tensor {
  const fanIn = shape[shape.length - 2] ?? 1;
  const fanOut = shape[shape.length - 1] ?? 1;
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  return nn.init.uniform([...shape], -bound, bound, { generator: opts.generator }).requireGrad();
}
