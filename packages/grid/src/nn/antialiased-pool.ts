import { conv2d, maxPool2d, nn, type Tensor, tensor } from '@erlangen/core';
import { argError, checkPositiveInt } from '../errors.js';
import { FieldType } from '../fields/field-type.js';
import { GeometricTensor } from '../fields/geometric-tensor.js';
import { checkInput } from './input.js';

/**
 * Antialiased spatial pooling (escnn's PointwiseAvgPoolAntialiased): every channel is blurred by an
 * isotropic Gaussian (σ in pixels, kernel 2⌈3σ⌉+1, normalised) and then subsampled with `stride`.
 * Blurring before subsampling removes the frequencies that would alias, so the result shifts and
 * turns with its input far more smoothly than strided max pooling. The blur is the same linear map
 * on every channel, so it commutes with any fibre representation; the Gaussian is symmetric under
 * the 90° turns and mirrors, and subsampling keeps the centre pixel when (H − 1) and (W − 1) are
 * divisible by `stride` (odd sizes for stride 2): then the layer is exactly equivariant to them.
 * Shapes: [batch, C, H, W] → [batch, C, ⌊(H − 1)/stride⌋ + 1, ⌊(W − 1)/stride⌋ + 1].
 */
export class AntialiasedAvgPool extends nn.Module {
  readonly stride: number;
  readonly sigma: number;
  readonly kernelSize: number;
  private readonly filter: Tensor;

  constructor(
    readonly type: FieldType,
    opts: { stride?: number; sigma?: number } = {},
  ) {
    super();
    if (!(type instanceof FieldType)) argError('AntialiasedAvgPool', 'type', 'a FieldType', String(type));
    this.stride = checkPositiveInt('AntialiasedAvgPool', 'stride', opts.stride ?? 2);
    this.sigma = opts.sigma ?? 0.6;
    if (!(this.sigma > 0))
      argError('AntialiasedAvgPool', 'sigma', 'a positive width in pixels', String(opts.sigma));
    const radius = Math.ceil(3 * this.sigma);
    this.kernelSize = 2 * radius + 1;
    const k = this.kernelSize;
    const g = new Float32Array(k * k);
    let total = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const v = Math.exp(-((i - radius) ** 2 + (j - radius) ** 2) / (2 * this.sigma ** 2));
        g[i * k + j] = v;
        total += v;
      }
    const bank = new Float32Array(type.size * k * k);
    for (let c = 0; c < type.size; c++) for (let p = 0; p < k * k; p++) bank[c * k * k + p] = g[p]! / total;
    this.filter = tensor(bank, [type.size, 1, k, k]).keep();
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('AntialiasedAvgPool', x, this.type).tensor;
    const y = conv2d(t, this.filter, null, {
      stride: this.stride,
      padding: (this.kernelSize - 1) / 2,
      groups: this.type.size,
    });
    return new GeometricTensor(y, this.type);
  }
}

/**
 * Antialiased max pooling (escnn's PointwiseMaxPoolAntialiased, Zhang 2019): a k×k max filter with
 * stride 1 ("same" size, k odd), then the Gaussian blur and subsampling of `AntialiasedAvgPool`. The
 * max is pointwise in the channels, so only permutation fields (regular, quotient, trivial) are
 * allowed; with an odd k it commutes with the grid symmetries. Shapes as `AntialiasedAvgPool`.
 */
export class AntialiasedMaxPool extends nn.Module {
  readonly kernelSize: number;
  private readonly blur: AntialiasedAvgPool;

  constructor(
    readonly type: FieldType,
    opts: { kernelSize?: number; stride?: number; sigma?: number } = {},
  ) {
    super();
    if (!(type instanceof FieldType)) argError('AntialiasedMaxPool', 'type', 'a FieldType', String(type));
    const k = opts.kernelSize ?? 3;
    if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
      argError(
        'AntialiasedMaxPool',
        'kernelSize',
        'an odd positive integer (a window centred on its pixel)',
        String(k),
      );
    this.kernelSize = k;
    const bad = type.representations.find((r) => !r.isPermutation);
    if (bad)
      argError(
        'AntialiasedMaxPool',
        'type',
        'fields whose representations permute channels (a max is pointwise)',
        `${type} (${bad.name})`,
      );
    this.blur = new AntialiasedAvgPool(type, { stride: opts.stride, sigma: opts.sigma });
  }

  forward(x: GeometricTensor): GeometricTensor {
    const t = checkInput('AntialiasedMaxPool', x, this.type).tensor;
    const k = this.kernelSize;
    const maxed = maxPool2d(t, k, { stride: 1, padding: (k - 1) / 2 });
    return this.blur.forward(new GeometricTensor(maxed, this.type));
  }
}
