/**
 * The two small digit classifiers of the grid page, shared by the training script
 * (scripts/train-grid-models.ts, Node) and the page's worker (browser), so the weights in
 * assets/grid-models.safetensors always match the code that loads them.
 *
 * Both read standardised 28×28 digits, [batch, 1, 28, 28], and end in a spatial mean and a linear
 * layer to 10 logits. The p4 CNN pools over the four rotations before the mean, so turning the input
 * by a multiple of 90° leaves its logits unchanged (up to float rounding); the plain CNN has no such
 * guarantee.
 */
import { type Generator, nn, type Tensor } from '@erlangen/core';
import {
  cyclicGroup,
  GeometricTensor,
  GroupConv,
  GroupPool,
  LiftingConv,
  PointwiseMaxPool,
  ReLU,
} from '@erlangen/grid';

export const IMAGE_SIZE = 28;
/** MNIST pixel mean and standard deviation, for pixels scaled to [0, 1]. */
export const PIXEL_MEAN = 0.1307;
export const PIXEL_STD = 0.3081;

/** Logits [batch, 10] and the first layer's feature maps after its ReLU, [batch, C, 28, 28]. */
export interface DigitOutput {
  logits: Tensor;
  firstLayer: Tensor;
}

export interface DigitModel extends nn.Module {
  run(x: Tensor): DigitOutput;
}

const p4 = cyclicGroup(4);

/** Regular p4 fields of the lifting layer; its output has 4 channels per field (one per rotation). */
export const P4_LIFT_FIELDS = 8;

/**
 * p4 CNN: 5×5 lifting conv → ReLU → 2×2 max pool → 3×3 group conv → ReLU → 2×2 max pool → 3×3
 * group conv → max over the 4 rotations → spatial mean → linear. Channel 4·f + r of the lifted map
 * is field f seen through the filter turned by r·90°.
 */
export class P4Net extends nn.Module implements DigitModel {
  readonly lift: LiftingConv;
  readonly conv1: GroupConv;
  readonly conv2: GroupConv;
  readonly head: nn.Linear;
  private readonly relu1: ReLU;
  private readonly relu2: ReLU;
  private readonly pool1: PointwiseMaxPool;
  private readonly pool2: PointwiseMaxPool;
  private readonly groupPool: GroupPool;

  constructor(generator?: Generator) {
    super();
    this.lift = new LiftingConv(p4, 1, P4_LIFT_FIELDS, 5, { generator }); // [B, 1, 28, 28] → [B, 32, 28, 28]
    this.conv1 = new GroupConv(p4, P4_LIFT_FIELDS, 10, 3, { generator }); // [B, 32, 14, 14] → [B, 40, 14, 14]
    this.conv2 = new GroupConv(p4, 10, 16, 3, { generator }); // [B, 40, 7, 7] → [B, 64, 7, 7]
    this.head = new nn.Linear(16, 10, { generator }); // [B, 16] → [B, 10]
    this.relu1 = new ReLU(this.lift.outType);
    this.relu2 = new ReLU(this.conv1.outType);
    this.pool1 = new PointwiseMaxPool(this.lift.outType, 2);
    this.pool2 = new PointwiseMaxPool(this.conv1.outType, 2);
    this.groupPool = new GroupPool(this.conv2.outType, 'max');
  }

  run(x: Tensor): DigitOutput {
    const lifted = this.relu1.forward(this.lift.forward(new GeometricTensor(x, this.lift.inType)));
    let h = this.pool1.forward(lifted);
    h = this.pool2.forward(this.relu2.forward(this.conv1.forward(h)));
    h = this.groupPool.forward(this.conv2.forward(h)); // [B, 16, 7, 7], rotation-invariant fields
    return { logits: this.head.forward(h.tensor.mean([2, 3])), firstLayer: lifted.tensor };
  }

  forward(x: Tensor): Tensor {
    return this.run(x).logits;
  }
}

/** Channels of the plain CNN's first layer. */
export const CNN_FIRST_CHANNELS = 16;

/** Plain CNN with the same stages: 5×5 conv → ReLU → pool → 3×3 conv → ReLU → pool → 3×3 conv → mean → linear. */
export class PlainNet extends nn.Module implements DigitModel {
  readonly conv1: nn.Conv2d;
  readonly conv2: nn.Conv2d;
  readonly conv3: nn.Conv2d;
  readonly head: nn.Linear;
  private readonly pool = new nn.MaxPool2d(2);

  constructor(generator?: Generator) {
    super();
    this.conv1 = new nn.Conv2d(1, CNN_FIRST_CHANNELS, 5, { padding: 2, generator }); // → [B, 16, 28, 28]
    this.conv2 = new nn.Conv2d(CNN_FIRST_CHANNELS, 24, 3, { padding: 1, generator }); // → [B, 24, 14, 14]
    this.conv3 = new nn.Conv2d(24, 32, 3, { padding: 1, generator }); // → [B, 32, 7, 7]
    this.head = new nn.Linear(32, 10, { generator });
  }

  run(x: Tensor): DigitOutput {
    const first = this.conv1.forward(x).relu();
    let h = this.pool.forward(first);
    h = this.pool.forward(this.conv2.forward(h).relu());
    h = this.conv3.forward(h);
    return { logits: this.head.forward(h.mean([2, 3])), firstLayer: first };
  }

  forward(x: Tensor): Tensor {
    return this.run(x).logits;
  }
}

/**
 * Turns one 28×28 image (pixels in [0, 1], row-major) counter-clockwise about its centre by
 * `degrees`, bilinear interpolation, zero outside — the convention of @erlangen/grid (a quarter turn
 * is numpy.rot90). Multiples of 90° are exact pixel permutations (sine and cosine are snapped), so
 * the p4 CNN's invariance shows without interpolation error.
 */
export function rotateImage(src: Float32Array, degrees: number, size = IMAGE_SIZE): Float32Array {
  const theta = (degrees * Math.PI) / 180;
  const snap = (v: number) =>
    Math.abs(v) < 1e-12 ? 0 : Math.abs(Math.abs(v) - 1) < 1e-12 ? Math.sign(v) : v;
  const cos = snap(Math.cos(theta));
  const sin = snap(Math.sin(theta));
  const c = (size - 1) / 2;
  const out = new Float32Array(size * size);
  const at = (a: number, b: number) => (a >= 0 && a < size && b >= 0 && b < size ? src[a * size + b]! : 0);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      // Source point R⁻¹p of the output pixel p, in (row, column) offsets from the centre.
      const u = i - c;
      const v = j - c;
      const si = cos * u + sin * v + c;
      const sj = -sin * u + cos * v + c;
      const i0 = Math.floor(si);
      const j0 = Math.floor(sj);
      const di = si - i0;
      const dj = sj - j0;
      out[i * size + j] =
        (1 - di) * ((1 - dj) * at(i0, j0) + dj * at(i0, j0 + 1)) +
        di * ((1 - dj) * at(i0 + 1, j0) + dj * at(i0 + 1, j0 + 1));
    }
  }
  return out;
}

/** Pixels in [0, 1] → the standardised values the models were trained on (same length). */
export function standardise(pixels: Float32Array): Float32Array {
  return pixels.map((p) => (p - PIXEL_MEAN) / PIXEL_STD);
}
