import { avgPool2d, conv2d, Generator, noGrad, randn, type Tensor, tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  dihedralGroup,
  FieldType,
  GeometricTensor,
  GroupPool,
  irreducibleRepresentations,
  kernelBasis,
  type PlanarGroup,
  R2Conv,
  ReLU,
  type Representation,
  regularRepresentation,
  transformInterpolated,
  trivialRepresentation,
} from '../src/index.js';
import digits from './fixtures/digits.json' with { type: 'json' };
import { gradcheck, maxAbsDiff, relativeError } from './helpers.js';

function matmul(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) out[i * p + j] += a[i * m + k]! * b[k * p + j]!;
  return out;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j]!;
  return out;
}

/** Seeded uniform numbers for the constraint test. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('steerable kernel basis', () => {
  const cases: [string, PlanarGroup, (g: PlanarGroup) => [Representation, Representation][]][] = [
    [
      'C8',
      cyclicGroup(8),
      (g) => [
        [regularRepresentation(g), regularRepresentation(g)],
        [trivialRepresentation(g), regularRepresentation(g)],
        [irreducibleRepresentations(g)[1]!, irreducibleRepresentations(g)[3]!],
      ],
    ],
    [
      'C16',
      cyclicGroup(16),
      (g) => [
        [irreducibleRepresentations(g)[2]!, irreducibleRepresentations(g)[1]!],
        [trivialRepresentation(g), irreducibleRepresentations(g)[2]!],
      ],
    ],
    [
      'D8',
      dihedralGroup(8),
      (g) => [
        [regularRepresentation(g), regularRepresentation(g)],
        [irreducibleRepresentations(g)[2]!, irreducibleRepresentations(g)[1]!],
      ],
    ],
    ['D5', dihedralGroup(5), (g) => [[irreducibleRepresentations(g)[3]!, irreducibleRepresentations(g)[2]!]]],
  ];
  for (const [name, group, pairs] of cases) {
    it(`${name}: κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ for 20 random elements and points (atol 5e-5, rtol 1e-4)`, () => {
      const rand = uniform(group.order);
      for (const [inRep, outRep] of pairs(group)) {
        const basis = kernelBasis(inRep, outRep, 5);
        expect(basis.size).toBeGreaterThan(0);
        const dIn = inRep.size;
        const dOut = outRep.size;
        let worst = 0;
        let violations = 0;
        for (let trial = 0; trial < 20; trial++) {
          const g = Math.floor(rand() * group.order);
          const u = (rand() - 0.5) * 5;
          const v = (rand() - 0.5) * 5;
          const [a, b, c, d] = group.planeMatrix(g);
          const lhs = basis.evaluate(a * u + b * v, c * u + d * v);
          const rhs = basis
            .evaluate(u, v)
            .map((k) =>
              matmul(
                matmul(outRep.matrix(g), k, dOut, dOut, dIn),
                transpose(inRep.matrix(g), dIn),
                dOut,
                dIn,
                dIn,
              ),
            );
          lhs.forEach((l, e) => {
            for (let i = 0; i < l.length; i++) {
              const err = Math.abs(l[i]! - rhs[e]![i]!);
              worst = Math.max(worst, err);
              if (err > 5e-5 + 1e-4 * Math.abs(rhs[e]![i]!)) violations++;
            }
          });
        }
        expect(violations).toBe(0);
        expect(worst).toBeLessThan(1e-12); // float64: the constraint holds to rounding
      }
    });
  }

  it('dimensions equal the character formula Σ_rings (1/|G|) Σ_g χ_out χ_in χ_harmonics (escnn counts frequencies t and −t separately)', () => {
    const c8 = cyclicGroup(8);
    const reg = regularRepresentation(c8);
    const triv = trivialRepresentation(c8);
    // Regular → regular: |G| per harmonic per ring, k = 5 rings 0, 1, 2 with 1, 5, 5 harmonics: 8·11.
    expect(kernelBasis(reg, reg, 5).size).toBe(88);
    expect(kernelBasis(triv, reg, 5).size).toBe(11);
    // Trivial → trivial under C8 with frequencies ≤ 2: isotropic filters, one per ring.
    expect(kernelBasis(triv, triv, 5).size).toBe(3);
    expect(kernelBasis(reg, reg, 7).size).toBe(144);
    for (const g of [cyclicGroup(4), cyclicGroup(16), dihedralGroup(4), dihedralGroup(8)]) {
      const irr = irreducibleRepresentations(g);
      for (const a of [...irr, regularRepresentation(g)])
        for (const b of [...irr, regularRepresentation(g)]) {
          const basis = kernelBasis(a, b, 5);
          expect(basis.size).toBe(basis.expectedDimension());
        }
    }
  });

  it('C_N frequency aliasing: C4 admits more ψ₁ → ψ₁ kernels than C16 (which behaves like SO(2) at these frequencies)', () => {
    const c4 = irreducibleRepresentations(cyclicGroup(4))[1]!;
    const c16 = irreducibleRepresentations(cyclicGroup(16))[1]!;
    // Centre ring: t = 0 (2 elements: identity and the quarter turn). Outer ring (t ≤ 2): SO(2) allows
    // t = 0 (2) and t = m + n = 2 (2); C4 also the aliased t = −2 ≡ 2 (mod 4), 2 more.
    expect(kernelBasis(c16, c16, 3).size).toBe(2 + 4);
    expect(kernelBasis(c4, c4, 3).size).toBe(2 + 6);
  });
});

/** Worst |f(g·x) − g·f(x)| over the grid symmetries of the group (exact pixel permutations). */
function exactEquivarianceError(
  f: (x: GeometricTensor) => GeometricTensor,
  x: GeometricTensor,
): { abs: number; rel: number } {
  return tidy(() => {
    const y = f(x);
    let abs = 0;
    let rel = 0;
    for (const g of x.type.group.elements()) {
      if (!x.type.group.isGridSymmetry(g)) continue;
      const lhs = f(x.transform(g)).tensor.dataSync();
      const rhs = y.transform(g).tensor.dataSync();
      abs = Math.max(abs, maxAbsDiff(lhs, rhs));
      rel = Math.max(rel, relativeError(lhs, rhs));
    }
    return { abs, rel };
  });
}

describe('R2Conv', () => {
  const types = (group: PlanarGroup): [string, FieldType, FieldType][] => {
    const irr = irreducibleRepresentations(group);
    return [
      ['trivial → regular', FieldType.trivial(group, 2), FieldType.regular(group, 2)],
      ['regular → regular', FieldType.regular(group, 2), FieldType.regular(group, 3)],
      [
        'irreps → mixed',
        new FieldType(group, [irr[1]!, irr[0]!, irr[2]!]),
        new FieldType(group, [irr[2]!, regularRepresentation(group), irr[1]!]),
      ],
    ];
  };
  for (const group of [cyclicGroup(4), dihedralGroup(4), cyclicGroup(8), dihedralGroup(8), cyclicGroup(16)]) {
    for (const [label, inType, outType] of types(group)) {
      it(`${group.name} ${label}: exact equivariance for 90° turns and mirrors on odd inputs (≤ 1e-5)`, () => {
        const conv = new R2Conv(inType, outType, 5, { generator: new Generator(1) });
        if (conv.bias)
          noGrad(() => conv.bias!.assign(randn(conv.bias!.shape, { generator: new Generator(2) })));
        const x = new GeometricTensor(
          randn([2, inType.size, 11, 11], { generator: new Generator(3) }),
          inType,
        );
        const err = exactEquivarianceError((h) => conv.forward(h), x);
        expect(err.abs).toBeLessThan(1e-5);
        expect(err.rel).toBeLessThan(1e-5);
      });
    }
  }

  it('a C8 network (R2Conv, ReLU, R2Conv) is exactly equivariant under its 90° elements; bias only on invariant directions', () => {
    const c8 = cyclicGroup(8);
    const conv1 = new R2Conv(FieldType.trivial(c8, 1), FieldType.regular(c8, 3), 5, {
      generator: new Generator(4),
    });
    const relu = new ReLU(conv1.outType);
    const irr = irreducibleRepresentations(c8);
    const conv2 = new R2Conv(
      conv1.outType,
      new FieldType(c8, [irr[0]!, irr[1]!, regularRepresentation(c8)]),
      3,
      { generator: new Generator(5) },
    );
    expect(conv1.bias!.shape).toEqual([3]); // one per regular field
    expect(conv2.bias!.shape).toEqual([2]); // trivial field and regular field; none for ψ₁
    const x = new GeometricTensor(randn([1, 1, 13, 13], { generator: new Generator(6) }), conv1.inType);
    const err = exactEquivarianceError((h) => conv2.forward(relu.forward(conv1.forward(h))), x);
    expect(err.abs).toBeLessThan(1e-5);
  });

  it('gradients of the filter expansion match finite differences', () => {
    const d4 = dihedralGroup(4);
    const irr = irreducibleRepresentations(d4);
    const conv = new R2Conv(new FieldType(d4, [irr[2]!, irr[0]!]), FieldType.regular(d4, 1), 3, {
      generator: new Generator(7),
    });
    const x = randn([1, 3, 5, 5], { generator: new Generator(8) });
    gradcheck(
      (w: Tensor, b: Tensor) => conv2d(x, conv.expandFilter(w), conv.expandBias(b), { padding: 1 }),
      [conv.weights.detach().clone(), randn(conv.bias!.shape, { generator: new Generator(9) })],
    );
  });

  it('eval mode expands the filter once (cached) and still follows weight updates; export() matches', () => {
    const c4 = cyclicGroup(4);
    const conv = new R2Conv(FieldType.trivial(c4, 1), FieldType.regular(c4, 2), 3, {
      generator: new Generator(9),
    });
    const x = new GeometricTensor(randn([1, 1, 7, 7], { generator: new Generator(10) }), conv.inType);
    tidy(() => {
      const train = conv.forward(x).tensor.dataSync();
      conv.eval();
      const a = conv.forward(x).tensor.dataSync();
      const cached = (conv as unknown as { filterCache: { cached: { filter: Tensor } } }).filterCache.cached
        .filter;
      conv.forward(x);
      expect(
        (conv as unknown as { filterCache: { cached: { filter: Tensor } } }).filterCache.cached.filter,
      ).toBe(cached);
      expect(maxAbsDiff(a, train)).toBeLessThan(1e-6);
      noGrad(() => conv.weights.assign(conv.weights.mul(2)));
      const b = conv.forward(x).tensor.dataSync();
      expect(
        maxAbsDiff(
          b,
          Float32Array.from(train, (v) => 2 * v),
        ),
      ).toBeLessThan(1e-5);
      const plain = conv.export().forward(x.tensor).dataSync();
      expect(maxAbsDiff(plain, b)).toBeLessThan(1e-5);
      conv.train();
    });
  });

  it('bad input: even kernel, group mismatch, wrong field type, empty basis', () => {
    const c8 = cyclicGroup(8);
    expect(() => new R2Conv(FieldType.trivial(c8, 1), FieldType.regular(c8, 1), 4)).toThrow(
      /kernelSize.*odd size/,
    );
    expect(() => new R2Conv(FieldType.trivial(c8, 1), FieldType.regular(cyclicGroup(4), 1), 3)).toThrow(
      /outType.*field type of C8/,
    );
    const conv = new R2Conv(FieldType.trivial(c8, 1), FieldType.regular(c8, 1), 3);
    expect(() => conv.forward(new GeometricTensor(randn([1, 8, 5, 5]), FieldType.regular(c8, 1)))).toThrow(
      /R2Conv: argument 'x' expected a GeometricTensor of type C8\[trivial\]/,
    );
    const irr = irreducibleRepresentations(c8);
    // ψ₀ → ψ₄ needs harmonic 4 (≡ ±4 mod 8); a 1×1 filter carries none.
    expect(() => new R2Conv(new FieldType(c8, [irr[0]!]), new FieldType(c8, [irr[4]!]), 1)).toThrow(
      /empty basis/,
    );
  });
});

describe('non-90° rotations (interpolated, escnn-style bound on a real digit)', () => {
  const digit = (d: number) => {
    const img = new Float32Array(33 * 33);
    const src = digits.digits[d]!;
    for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) img[(i + 2) * 33 + j + 2] = src[i * 28 + j]!;
    return img;
  };
  for (const n of [8, 16]) {
    it(`C${n}: f(g·x) vs g·f(x) on the central disk after 3×3 mean pooling, and invariance of pooled logits`, () => {
      const group = cyclicGroup(n);
      const conv1 = new R2Conv(FieldType.trivial(group, 1), FieldType.regular(group, 4), 5, {
        generator: new Generator(n),
      });
      const relu = new ReLU(conv1.outType);
      const conv2 = new R2Conv(conv1.outType, FieldType.regular(group, 4), 5, {
        generator: new Generator(n + 1),
      });
      const pool = new GroupPool(conv2.outType, 'max');
      const net = (x: GeometricTensor) => conv2.forward(relu.forward(conv1.forward(x)));
      tidy(() => {
        const x = new GeometricTensor(tensor(digit(3), [1, 1, 33, 33]), conv1.inType);
        const y = net(x);
        let worstDisk = 0;
        let worstLogit = 0;
        for (let r = 1; r < n; r++) {
          if ((4 * r) % n === 0) continue; // 90° multiples are exact (tested above)
          const g = group.rotation(r);
          const a = meanPool3(net(transformInterpolated(x, g)).tensor);
          const b = meanPool3(transformInterpolated(y, g).tensor);
          const disk = diskError(a, b);
          worstDisk = Math.max(worstDisk, disk);
          const la = pool
            .forward(net(transformInterpolated(x, g)))
            .tensor.mean([2, 3])
            .dataSync();
          const lb = pool.forward(y).tensor.mean([2, 3]).dataSync();
          worstLogit = Math.max(worstLogit, relativeError(la, lb));
        }
        console.log(
          `C${n}: central-disk relative error ${worstDisk.toExponential(2)}, pooled-logit relative change ${worstLogit.toExponential(2)}`,
        );
        expect(worstDisk).toBeLessThan(0.1);
        expect(worstLogit).toBeLessThan(0.1);
      });
    });
  }
});

function meanPool3(t: Tensor): { data: Float32Array; h: number; w: number; c: number } {
  const [, c, h, w] = t.shape as [number, number, number, number];
  const pooled = avgPool2d(t, 3);
  return { data: pooled.dataSync() as Float32Array, c, h: Math.floor(h / 3), w: Math.floor(w / 3) };
}

/** ‖a − b‖ / ‖b‖ over the pixels within radius h/4 of the centre (escnn's check_equivariance mask). */
function diskError(
  a: { data: Float32Array; h: number; w: number; c: number },
  b: { data: Float32Array },
): number {
  let num = 0;
  let den = 0;
  for (let ch = 0; ch < a.c; ch++)
    for (let i = 0; i < a.h; i++)
      for (let j = 0; j < a.w; j++) {
        if ((i - (a.h - 1) / 2) ** 2 + (j - (a.w - 1) / 2) ** 2 >= (a.h / 4) ** 2) continue;
        const k = (ch * a.h + i) * a.w + j;
        num += (a.data[k]! - b.data[k]!) ** 2;
        den += b.data[k]! ** 2;
      }
  return Math.sqrt(num / den);
}
