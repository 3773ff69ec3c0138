import { flatten } from '../../ops/movement.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';

/** Merges axes startAxis..endAxis into one (default: everything but the batch axis). [N, C, H, W] → [N, C·H·W]. */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startAxis, this.endAxis);
  }
}
