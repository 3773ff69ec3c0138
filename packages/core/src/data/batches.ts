import { argError, describeValue } from '../errors.js';
import { narrow } from '../ops/movement.js';
import { checkTensorDict, selectRows, TensorDataset, type TensorDict } from './dataset.js';
import { permutation } from './random.js';

export interface BatchOptions {
  batchSize: number;
  /** Visit samples in a fresh random order each epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffles: epoch e uses the permutation determined by (seed, e). Default 0. */
  seed?: number;
  /** Skip the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Mini-batches over named tensors of equal first dimension, e.g. `{ inputs: [N, ...], targets: [N] }`
 * → `{ inputs: [B, ...], targets: [B] }`. Iterating it runs one epoch; each new iteration is the next
 * epoch, with its own permutation when shuffling, reproducible from the seed (`epoch(e)` replays one).
 * Batches are new tensors owned by the caller: dispose them, or run each step inside `tidy`.
 */
export class BatchIterator implements Iterable<TensorDict> {
  readonly tensors: TensorDict;
  readonly numSamples: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** The epoch the next iteration runs (starts at 0). */
  nextEpoch = 0;

  constructor(data: TensorDict | TensorDataset, opts: BatchOptions) {
    const tensors = data instanceof TensorDataset ? data.tensors : data;
    this.numSamples = checkTensorDict('BatchIterator', tensors);
    this.tensors = { ...tensors };
    const { batchSize } = opts ?? ({} as BatchOptions);
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
      argError('BatchIterator', 'batchSize', 'a positive integer', describeValue(batchSize));
    }
    this.batchSize = batchSize;
    this.shuffle = opts.shuffle ?? false;
    this.seed = opts.seed ?? 0;
    if (!Number.isFinite(this.seed))
      argError('BatchIterator', 'seed', 'a finite number', describeValue(this.seed));
    this.dropLast = opts.dropLast ?? false;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast
      ? Math.floor(this.numSamples / this.batchSize)
      : Math.ceil(this.numSamples / this.batchSize);
  }

  /** Sample order of epoch `e`: a permutation when shuffling, 0..n−1 otherwise. */
  order(e: number): Int32Array | null {
    return this.shuffle ? permutation(this.numSamples, this.seed, e) : null;
  }

  /** The batches of epoch `e` (does not advance `nextEpoch`). */
  *epoch(e: number): Generator<TensorDict> {
    const order = this.order(e);
    const n = this.numSamples;
    for (let b = 0; b < this.length; b++) {
      const start = b * this.batchSize;
      const size = Math.min(this.batchSize, n - start);
      if (order) {
        yield selectRows(this.tensors, order.subarray(start, start + size));
      } else {
        const out: TensorDict = {};
        for (const [k, t] of Object.entries(this.tensors)) out[k] = narrow(t, 0, start, size);
        yield out;
      }
    }
  }

  [Symbol.iterator](): Iterator<TensorDict> {
    return this.epoch(this.nextEpoch++);
  }
}

/** One epoch of mini-batches (see BatchIterator); `epoch` picks the shuffle (default 0). */
export function batches(
  data: TensorDict | TensorDataset,
  opts: BatchOptions & { epoch?: number },
): Generator<TensorDict> {
  return new BatchIterator(data, opts).epoch(opts.epoch ?? 0);
}
