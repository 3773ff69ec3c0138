import { argError, describeValue } from '../../errors.js';
import { gelu, leakyRelu, logSoftmax, silu, softmax } from '../../ops/activation.js';
import { relu, sigmoid, tanh } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';

/** max(x, 0). Shapes: any → same. */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, negativeSlope·x otherwise. Shapes: any → same. */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

/**
 * GELU: exact x·Φ(x) by default, or torch's approximate='tanh' form
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). Shapes: any → same.
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    const a = opts.approximate ?? 'none';
    if (a !== 'none' && a !== 'tanh') argError('GELU', 'approximate', "'none' or 'tanh'", describeValue(a));
    this.approximate = a;
  }
  forward(x: Tensor): Tensor {
    if (this.approximate === 'none') return gelu(x);
    const inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(tanh(inner).add(1)).mul(0.5);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** x·σ(x) (a.k.a. swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** Softmax along `axis` (default −1). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
}

/** log-softmax along `axis` (default −1); pair it with nllLoss, or use crossEntropy on logits. */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.axis);
  }
}
