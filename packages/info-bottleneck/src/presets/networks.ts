import { argError, Generator, nn, noGrad, randn, tensor } from '@erlangen/core';

export type Activation = 'tanh' | 'relu';

function activationModule(op: string, a: Activation): nn.Module {
  if (a === 'tanh') return new nn.Tanh();
  if (a === 'relu') return new nn.ReLU();
  return argError(op, 'activation', "'tanh' or 'relu'", String(a));
}

/**
 * Weight initialisation: `'truncated-normal'` is IDNNs' and ibsgd's (weights N(0, 1/fan_in) truncated at
 * ±2 standard deviations, zero biases), which the published information planes use; `'torch'` keeps
 * core's `Linear` default U(±1/√fan_in).
 */
export type WeightInit = 'truncated-normal' | 'torch';

function truncatedNormalInit(layer: nn.Linear, generator: Generator): void {
  const size = layer.inFeatures * layer.outFeatures;
  const std = 1 / Math.sqrt(layer.inFeatures);
  noGrad(() => {
    const draws = randn([size * 3], { generator });
    const z = draws.dataSync();
    draws.dispose();
    const w = new Float32Array(size);
    let k = 0;
    for (let i = 0; i < z.length && k < size; i++) if (Math.abs(z[i]!) <= 2) w[k++] = z[i]! * std;
    // 3·size draws leave fewer than size accepted with probability far below 1e-100.
    const wt = tensor(w, [layer.outFeatures, layer.inFeatures]);
    layer.weight.assign(wt);
    if (layer.bias) nn.init.zeros(layer.bias);
  });
}

/**
 * A fully connected network `widths[0] → … → widths[last]`: Linear + activation for every hidden layer,
 * a plain Linear output (logits; softmax lives in the loss and in the recorder's output tap).
 * Shapes: [batch, widths[0]] → [batch, widths[last]].
 */
export function mlp(
  widths: readonly number[],
  activation: Activation = 'tanh',
  seed = 0,
  init: WeightInit = 'truncated-normal',
): nn.Sequential {
  if (!Array.isArray(widths) || widths.length < 2)
    argError('mlp', 'widths', 'at least two layer widths', JSON.stringify(widths));
  if (init !== 'truncated-normal' && init !== 'torch')
    argError('mlp', 'init', "'truncated-normal' or 'torch'", String(init));
  const gen = new Generator(seed);
  const net = new nn.Sequential();
  for (let i = 0; i + 1 < widths.length; i++) {
    const layer = new nn.Linear(widths[i]!, widths[i + 1]!, { generator: gen });
    if (init === 'truncated-normal') truncatedNormalInit(layer, gen);
    net.append(layer);
    if (i + 2 < widths.length) net.append(activationModule('mlp', activation));
  }
  return net;
}

/** Layer widths of Shwartz-Ziv & Tishby's 12-bit network: 12-10-7-5-4-3-2. */
export const TWELVE_BIT_WIDTHS = [12, 10, 7, 5, 4, 3, 2] as const;

/** Layer widths of Saxe et al.'s MNIST network: 784-1024-20-20-20-10. */
export const SAXE_MNIST_WIDTHS = [784, 1024, 20, 20, 20, 10] as const;

/** The 12-bit network, tanh (the original) or ReLU (Saxe et al.'s variant). [batch, 12] → [batch, 2]. */
export function twelveBitNetwork(
  activation: Activation = 'tanh',
  seed = 0,
  init: WeightInit = 'truncated-normal',
): nn.Sequential {
  return mlp(TWELVE_BIT_WIDTHS, activation, seed, init);
}

/** Saxe et al.'s MNIST network, tanh or ReLU. [batch, 784] → [batch, 10]. */
export function saxeMnistNetwork(
  activation: Activation = 'tanh',
  seed = 0,
  init: WeightInit = 'truncated-normal',
): nn.Sequential {
  return mlp(SAXE_MNIST_WIDTHS, activation, seed, init);
}
