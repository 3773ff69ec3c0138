/** DeepSets, λI + γ11ᵀ and the Maron et al. 2019 bases: counts, ranks, equivariance and span. */
import { Generator, nn, noGrad, randn, type Tensor, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  DeepSets,
  EquivariantLinear,
  equivariantBasis,
  equivariantMaps,
  HostRandom,
  PermEquivariantLinear,
  setPartitions,
  type TensorOrder,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

/** Rank of the row vectors by Gaussian elimination in float64 (entries are small integers). */
function rank(rows: ArrayLike<number>[]): number {
  const m = rows.map((r) => Float64Array.from(r as ArrayLike<number>));
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let pivot = -1;
    let best = 1e-9;
    for (let i = r; i < m.length; i++)
      if (Math.abs(m[i]![c]!) > best) {
        best = Math.abs(m[i]![c]!);
        pivot = i;
      }
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![c]! / m[r]![c]!;
      if (f !== 0) for (let k = c; k < cols; k++) m[i]![k]! -= f * m[r]![k]!;
    }
    r++;
  }
  return r;
}

/** The matrix [n^kOut, n^kIn] of the linear map x ↦ f(x) (one channel), column by column. */
function matrixOf(f: (x: Tensor) => Tensor, kIn: TensorOrder, n: number): Float64Array[] {
  const size = n ** kIn;
  const columns: Float32Array[] = [];
  for (let c = 0; c < size; c++) {
    const e = new Float32Array(size);
    e[c] = 1;
    columns.push(f(tensor(e, kIn === 1 ? [1, n, 1] : [1, n, n, 1])).dataSync() as Float32Array);
  }
  const rows = columns[0]!.length;
  return [Float64Array.from({ length: rows * size }, (_, k) => columns[k % size]![Math.floor(k / size)]!)];
}

describe('Maron et al. 2019 equivariant linear bases', () => {
  it('bell numbers: 2 maps n → n, 5 maps n² → n and n → n², 15 maps n² → n²', () => {
    expect(setPartitions(2).length).toBe(2);
    expect(setPartitions(3).length).toBe(5);
    expect(setPartitions(4).length).toBe(15);
    expect(equivariantBasis(1, 1, 4).length).toBe(2);
    expect(equivariantBasis(2, 1, 4).length).toBe(5);
    expect(equivariantBasis(1, 2, 4).length).toBe(5);
    expect(equivariantBasis(2, 2, 4).length).toBe(15);
  });

  it('rank of the 15 maps n² → n² is 8, 14, 15 at n = 2, 3, ≥ 4 (and 4, 5 for the 5 maps at n = 2, 3)', () => {
    const r = (kIn: number, kOut: number, n: number) => rank(equivariantBasis(kIn, kOut, n));
    expect([r(2, 2, 1), r(2, 2, 2), r(2, 2, 3), r(2, 2, 4), r(2, 2, 5)]).toEqual([1, 8, 14, 15, 15]);
    expect([r(2, 1, 1), r(2, 1, 2), r(2, 1, 3), r(2, 1, 4)]).toEqual([1, 4, 5, 5]);
    expect([r(1, 2, 2), r(1, 2, 3)]).toEqual([4, 5]);
    expect([r(1, 1, 1), r(1, 1, 2)]).toEqual([1, 2]);
  });

  it('every basis element commutes with permutations', () => {
    const n = 4;
    const perm = new HostRandom(3).permutation(n);
    for (const [kIn, kOut] of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      const permIndex = (k: number, flat: number) => {
        // Index of the permuted tuple: (a_1..a_k) ↦ (π a_1..π a_k).
        let out = 0;
        for (let p = k - 1, rest = flat, mul = 1; p >= 0; p--, rest = Math.floor(rest / n), mul *= n)
          out += perm[rest % n]! * mul;
        return out;
      };
      for (const mat of equivariantBasis(kIn, kOut, n)) {
        const [rows, cols] = [n ** kOut, n ** kIn];
        for (let a = 0; a < rows; a++)
          for (let b = 0; b < cols; b++)
            expect(mat[permIndex(kOut, a) * cols + permIndex(kIn, b)]).toBe(mat[a * cols + b]);
      }
    }
  });

  it("the layer's maps span exactly the partition basis (n = 5)", () => {
    const n = 5;
    for (const [kIn, kOut] of [
      [1, 1],
      [2, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      const basis = equivariantBasis(kIn, kOut, n);
      const count = basis.length;
      const maps: Float64Array[] = [];
      for (let b = 0; b < count; b++) {
        const pick = (x: Tensor) => {
          const all = equivariantMaps(x, kIn, kOut, false); // [1, n(, n), count, 1]
          return all.narrow(all.ndim - 2, b, 1);
        };
        maps.push(...matrixOf(pick, kIn, n));
      }
      expect(rank(maps)).toBe(count);
      expect(rank([...maps, ...basis])).toBe(count);
    }
  });

  it('EquivariantLinear 2 → 2 and 2 → 1 on adjacency-like inputs', () => {
    const layer = new EquivariantLinear(2, 2, 2, 3, { generator: new Generator(1) });
    expect(layer.forward(randn([2, 6, 6, 2])).shape).toEqual([2, 6, 6, 3]);
    expect(new EquivariantLinear(2, 1, 2, 3).forward(randn([2, 6, 6, 2])).shape).toEqual([2, 6, 3]);
    expect(() => layer.forward(randn([2, 6, 5, 2]))).toThrow(
      /argument 'x' expected shape \[batch, n, n, channels\] but received \[2, 6, 5, 2\]/,
    );
  });
});

describe('DeepSets and λI + γ11ᵀ', () => {
  it('PermEquivariantLinear with one channel is exactly λx + γ(Σx)1 + b', () => {
    const layer = new PermEquivariantLinear(1, 1, { generator: new Generator(2) });
    const lambda = layer.lambda.weight.item();
    const gamma = layer.gamma.weight.item();
    const b = layer.lambda.bias!.item();
    const x = tensor([1, -2, 0.5, 3], [1, 4, 1]);
    const sum = 2.5;
    const expected = [1, -2, 0.5, 3].map((v) => lambda * v + gamma * sum + b);
    expect(maxAbsDiff(layer.forward(x).dataSync(), expected)).toBeLessThan(1e-6);
  });
  it('dense sets [B, n, F] and flat sets with a batch vector agree', () => {
    const ds = new DeepSets(
      new nn.Linear(3, 4, { generator: new Generator(3) }),
      new nn.Linear(4, 2, { generator: new Generator(4) }),
      {
        pool: 'mean',
      },
    );
    const pe = new PermEquivariantLinear(3, 4, { generator: new Generator(5) });
    const x = randn([2, 5, 3], { generator: new Generator(6) });
    const flat = x.reshape([10, 3]);
    const batch = tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [10], 'int32');
    noGrad(() => {
      expect(maxAbsDiff(ds.forward(x).dataSync(), ds.forward(flat, batch, 2).dataSync())).toBeLessThan(1e-5);
      expect(
        maxAbsDiff(pe.forward(x).reshape([10, 4]).dataSync(), pe.forward(flat, batch, 2).dataSync()),
      ).toBeLessThan(1e-5);
    });
  });
});
