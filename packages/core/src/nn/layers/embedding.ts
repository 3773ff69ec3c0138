import { noGrad } from '../../autograd.js';
import { argError } from '../../errors.js';
import { tidy } from '../../memory.js';
import { arange, type Generator } from '../../ops/creation.js';
import { where } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor.js';
import { embedding } from '../functional/linear.js';
import { normal } from '../init.js';
import { Module } from '../module.js';
import { checkPositiveInt } from './linear.js';

export interface EmbeddingOptions {
  /** A row that starts at zero and receives no gradient (negative counts from the end). */
  paddingIdx?: number;
  generator?: Generator;
}

/**
 * A lookup table of numEmbeddings vectors, weight [numEmbeddings, embeddingDim] ~ N(0, 1) as torch.
 * Shapes: int32 indices [...] → [..., embeddingDim].
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | undefined;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = checkPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    this.embeddingDim = checkPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    let pad = opts.paddingIdx;
    if (pad !== undefined) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        argError(
          'Embedding',
          'paddingIdx',
          `an integer in [${-numEmbeddings}, ${numEmbeddings - 1}]`,
          `${pad}`,
        );
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    let w = normal([numEmbeddings, embeddingDim], 0, 1, { generator: opts.generator });
    if (pad !== undefined) {
      const raw = w;
      w = tidy(() => noGrad(() => where(arange(0, numEmbeddings).eq(pad).unsqueeze(1), 0, raw)));
      raw.dispose();
    }
    this.weight = this.registerParameter('weight', w);
  }

  forward(indices: Tensor): Tensor {
    return embedding(
      indices,
      this.weight,
      this.paddingIdx === undefined ? {} : { paddingIdx: this.paddingIdx },
    );
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
