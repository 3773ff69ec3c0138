import { argError, describeValue, ErlangenError, fmtShape } from '../errors.js';
import { tensor } from '../ops/creation.js';
import { Tensor } from '../tensor.js';

/** Named tensors that share their first (sample) dimension, e.g. `{ inputs, targets }`. */
export type TensorDict = Record<string, Tensor>;

/** Checks that `tensors` is a non-empty dict of live tensors of equal first dimension; returns it. */
export function checkTensorDict(op: string, tensors: TensorDict): number {
  if (!tensors || typeof tensors !== 'object' || tensors instanceof Tensor || Array.isArray(tensors)) {
    argError(op, 'tensors', 'an object of tensors such as { inputs, targets }', describeValue(tensors));
  }
  const entries = Object.entries(tensors);
  if (entries.length === 0) argError(op, 'tensors', 'at least one tensor', 'an empty object');
  let n = -1;
  let firstKey = '';
  for (const [key, t] of entries) {
    if (!(t instanceof Tensor)) argError(op, `tensors.${key}`, 'a Tensor', describeValue(t));
    t.assertAlive(op);
    if (t.ndim === 0) argError(op, `tensors.${key}`, 'a tensor with a sample dimension', 'a scalar');
    if (n < 0) {
      n = t.shape[0]!;
      firstKey = key;
    } else if (t.shape[0] !== n) {
      throw new ErlangenError(
        `${op}: all tensors must have the same first dimension (number of samples), but '${firstKey}' has ${n} and '${key}' has ${t.shape[0]} (shape ${fmtShape(t.shape)})`,
      );
    }
  }
  return n;
}

/** Rows `indices` of every tensor in the dict. */
export function selectRows(tensors: TensorDict, indices: Int32Array | readonly number[]): TensorDict {
  const first = Object.values(tensors)[0]!;
  const index = tensor(Int32Array.from(indices));
  const moved = index.backend === first.backend ? index : index.to(first.backend.name);
  const out: TensorDict = {};
  for (const [key, t] of Object.entries(tensors)) {
    out[key] = t.indexSelect(0, moved.backend === t.backend ? moved : moved.to(t.backend.name));
  }
  if (moved !== index) moved.dispose();
  index.dispose();
  return out;
}

/** A dataset of named tensors indexed along their first dimension (torch's TensorDataset, with names). */
export class TensorDataset {
  readonly tensors: TensorDict;
  readonly length: number;

  constructor(tensors: TensorDict) {
    this.length = checkTensorDict('TensorDataset', tensors);
    this.tensors = { ...tensors };
  }

  /** Sample i of every tensor (the first axis removed). */
  get(i: number): TensorDict {
    if (!Number.isInteger(i) || i < -this.length || i >= this.length) {
      argError(
        'TensorDataset.get',
        'i',
        `an index in [${-this.length}, ${this.length - 1}]`,
        describeValue(i),
      );
    }
    const out: TensorDict = {};
    for (const [k, t] of Object.entries(this.tensors)) out[k] = t.select(i < 0 ? i + this.length : i);
    return out;
  }

  /** A new dataset of the given rows (e.g. from `randomSplit`), copied with indexSelect. */
  subset(indices: Int32Array | readonly number[]): TensorDataset {
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        argError('TensorDataset.subset', 'indices', `integers in [0, ${this.length - 1}]`, `${i}`);
      }
    }
    return new TensorDataset(selectRows(this.tensors, indices));
  }
}
