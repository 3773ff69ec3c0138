import { describe, expect, it } from 'vitest';
import { arange, data, memory, tensor, tidy } from '../src/index.js';
import { errorOf, values } from './nn-helpers.js';

const dataset = (n: number) => ({
  inputs: arange(0, n * 2, 1, 'float32').reshape([n, 2]),
  targets: arange(0, n),
});

/** The targets of each batch of one epoch (they equal the sample indices). */
function epochOrder(it: Iterable<Record<string, any>>): number[][] {
  return [...it].map((b) => values(b.targets));
}

describe('BatchIterator', () => {
  it('yields aligned batches in order without shuffling, with a short last batch', () => {
    const it = new data.BatchIterator(dataset(7), { batchSize: 3 });
    expect(it.length).toBe(3);
    const bs = [...it];
    expect(bs.map((b) => b.inputs!.shape)).toEqual([
      [3, 2],
      [3, 2],
      [1, 2],
    ]);
    expect(bs.map((b) => values(b.targets!))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(values(bs[1]!.inputs!)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(bs[0]!.targets!.dtype).toBe('int32');
  });

  it('drops the short last batch with dropLast', () => {
    const it = new data.BatchIterator(dataset(7), { batchSize: 3, dropLast: true });
    expect(it.length).toBe(2);
    expect(epochOrder(it)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('shuffles with a permutation per epoch that is reproducible from the seed', () => {
    const n = 20;
    const a = new data.BatchIterator(dataset(n), { batchSize: 6, shuffle: true, seed: 42 });
    const e0 = epochOrder(a).flat();
    const e1 = epochOrder(a).flat();
    expect([...e0].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect([...e1].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect(e1).not.toEqual(e0);
    expect(e0).not.toEqual([...Array(n).keys()]);
    const b = new data.BatchIterator(dataset(n), { batchSize: 6, shuffle: true, seed: 42 });
    expect(epochOrder(b).flat()).toEqual(e0);
    expect(epochOrder(b).flat()).toEqual(e1);
    expect(epochOrder(b.epoch(1)).flat()).toEqual(e1);
    const c = new data.BatchIterator(dataset(n), { batchSize: 6, shuffle: true, seed: 43 });
    expect(epochOrder(c).flat()).not.toEqual(e0);
    // Rows of different tensors stay aligned.
    for (const batch of new data.BatchIterator(dataset(n), { batchSize: 4, shuffle: true })) {
      const t = values(batch.targets!);
      expect(values(batch.inputs!)).toEqual(t.flatMap((i) => [2 * i, 2 * i + 1]));
    }
  });

  it('shuffles uniformly: every sample lands in every position about equally often', () => {
    const n = 4;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const it = new data.BatchIterator({ x: arange(0, n) }, { batchSize: n, shuffle: true, seed: 7 });
    const epochs = 4000;
    for (let e = 0; e < epochs; e++) {
      const order = it.order(e)!;
      order.forEach((v, pos) => {
        counts[v]![pos]++;
      });
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c / epochs - 1 / n)).toBeLessThan(0.03);
  });

  it('batches() runs one epoch and accepts a TensorDataset', () => {
    const ds = new data.TensorDataset(dataset(5));
    expect(epochOrder(data.batches(ds, { batchSize: 2 }))).toEqual([[0, 1], [2, 3], [4]]);
    const shuffled = epochOrder(data.batches(ds, { batchSize: 5, shuffle: true, seed: 1, epoch: 3 }));
    expect(shuffled).toEqual(
      epochOrder(new data.BatchIterator(ds, { batchSize: 5, shuffle: true, seed: 1 }).epoch(3)),
    );
  });

  it('leaves no tensors behind when each step runs in tidy', () => {
    const d = dataset(10);
    const it = new data.BatchIterator(d, { batchSize: 3, shuffle: true });
    const before = memory().numTensors;
    for (const batch of it) tidy(() => batch.inputs!.sum().add(batch.targets!.sum()) && undefined);
    // Batches are the caller's; what the iterator made for itself is gone.
    const after = memory().numTensors;
    expect(after - before).toBe(4 * 2);
  });

  it('gives clear errors', () => {
    expect(
      errorOf(
        () => new data.BatchIterator({ inputs: arange(0, 4), targets: arange(0, 5) }, { batchSize: 2 }),
      ),
    ).toBe(
      "BatchIterator: all tensors must have the same first dimension (number of samples), but 'inputs' has 4 and 'targets' has 5 (shape [5])",
    );
    expect(errorOf(() => new data.BatchIterator(dataset(3), { batchSize: 0 }))).toContain(
      "argument 'batchSize'",
    );
    expect(errorOf(() => new data.BatchIterator({}, { batchSize: 1 }))).toContain("argument 'tensors'");
    expect(errorOf(() => new data.BatchIterator({ x: tensor(1) }, { batchSize: 1 }))).toContain(
      "argument 'tensors.x'",
    );
  });
});

describe('TensorDataset and randomSplit', () => {
  it('indexes samples and takes subsets', () => {
    const ds = new data.TensorDataset(dataset(5));
    expect(ds.length).toBe(5);
    const s = ds.get(-1);
    expect(values(s.inputs!)).toEqual([8, 9]);
    expect(s.targets!.item()).toBe(4);
    const sub = ds.subset([4, 0]);
    expect(values(sub.tensors.targets!)).toEqual([4, 0]);
    expect(errorOf(() => ds.get(5))).toContain("argument 'i'");
    expect(errorOf(() => ds.subset([7]))).toContain("argument 'indices'");
  });

  it('splits by fractions like torch (floors, remainder to the first subsets) or by counts', () => {
    const parts = data.randomSplit(10, [0.33, 0.33, 0.34], 5);
    expect(parts.map((p) => p.length)).toEqual([4, 3, 3]);
    expect(parts.flat().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(data.randomSplit(10, [0.33, 0.33, 0.34], 5)).toEqual(parts);
    expect(data.randomSplit(10, [0.33, 0.33, 0.34], 6)).not.toEqual(parts);
    expect(data.randomSplit(5, [3, 2], 0).map((p) => p.length)).toEqual([3, 2]);
    expect(data.randomSplit(1, [1], 0)).toEqual([[0]]);
    expect(errorOf(() => data.randomSplit(10, [0.5, 0.2]))).toContain("argument 'sizes'");
    expect(errorOf(() => data.randomSplit(10, [4, 4]))).toContain('summing to n = 10');
  });

  it('permutation is a reproducible Fisher–Yates shuffle', () => {
    const p = data.permutation(50, 3);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    expect(data.permutation(50, 3)).toEqual(p);
    expect(data.permutation(50, 3, 1)).not.toEqual(p);
  });

  it('permutationFrom shuffles with any uniform source and checks its arguments', () => {
    let state = 7;
    const lcg = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const p = data.permutationFrom(40, lcg);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
    // Fisher–Yates swaps position i with ⌊u·(i + 1)⌋, i = n−1 … 1: u = 0 always picks position 0.
    expect([...data.permutationFrom(4, () => 0)]).toEqual([1, 2, 3, 0]);
    expect(data.permutationFrom(0, lcg).length).toBe(0);
    expect(errorOf(() => data.permutationFrom(-1, lcg))).toContain(
      "permutationFrom: argument 'n' expected a non-negative integer",
    );
    expect(errorOf(() => data.permutationFrom(3, 0.5 as unknown as () => number))).toContain(
      "argument 'uniform' expected a function",
    );
    expect(errorOf(() => data.permutation(2.5, 0))).toContain("permutation: argument 'n'");
  });
});
