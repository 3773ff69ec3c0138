import { Generator, noGrad, randn, type Tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  AntialiasedAvgPool,
  AntialiasedMaxPool,
  cyclicGroup,
  dihedralGroup,
  FieldBatchNorm,
  FieldType,
  GatedNonLinearity,
  GeometricTensor,
  irreducibleRepresentations,
  NormNonLinearity,
  type PlanarGroup,
  R2Conv,
  regularRepresentation,
  transformInterpolated,
  trivialRepresentation,
} from '../src/index.js';
import { gradcheck, maxAbsDiff, relativeError } from './helpers.js';

function mixedType(group: PlanarGroup): FieldType {
  const irr = irreducibleRepresentations(group);
  return new FieldType(group, [
    irr[1]!,
    trivialRepresentation(group),
    regularRepresentation(group),
    irr[2]!,
    irr[1]!,
  ]);
}

function exactError(f: (x: GeometricTensor) => GeometricTensor, x: GeometricTensor): number {
  return tidy(() => {
    const y = f(x);
    let worst = 0;
    for (const g of x.type.group.elements()) {
      if (!x.type.group.isGridSymmetry(g)) continue;
      const lhs = f(x.transform(g)).tensor.dataSync();
      const rhs = y.transform(g).tensor.dataSync();
      worst = Math.max(worst, maxAbsDiff(lhs, rhs), relativeError(lhs, rhs));
    }
    return worst;
  });
}

const groups = [cyclicGroup(4), dihedralGroup(4), cyclicGroup(8), dihedralGroup(8)];

describe.each(groups.map((g) => [g.name, g] as const))(
  '%s irrep-field layers are exactly equivariant (≤ 1e-5)',
  (_, group) => {
    const type = mixedType(group);
    const x = () =>
      new GeometricTensor(randn([2, type.size, 9, 9], { generator: new Generator(group.order) }), type);

    it('NormNonLinearity (n_relu, n_sigmoid, squash)', () => {
      for (const fn of ['n_relu', 'n_sigmoid', 'squash'] as const) {
        const layer = new NormNonLinearity(type, fn);
        if (layer.bias)
          noGrad(() => layer.bias!.assign(randn([type.fields], { generator: new Generator(3) }).abs()));
        expect(exactError((h) => layer.forward(h), x())).toBeLessThan(1e-5);
      }
    });

    it('GatedNonLinearity', () => {
      const layer = new GatedNonLinearity(type);
      const input = new GeometricTensor(
        randn([2, layer.inType.size, 9, 9], { generator: new Generator(4) }),
        layer.inType,
      );
      expect(exactError((h) => layer.forward(h), input)).toBeLessThan(1e-5);
    });

    it('FieldBatchNorm in training and eval mode', () => {
      const bn = new FieldBatchNorm(type);
      noGrad(() => {
        bn.weight!.assign(randn([type.fields], { generator: new Generator(5) }));
        bn.bias!.assign(randn(bn.bias!.shape, { generator: new Generator(6) }));
      });
      expect(exactError((h) => bn.forward(h), x())).toBeLessThan(1e-5);
      bn.eval();
      expect(exactError((h) => bn.forward(h), x())).toBeLessThan(1e-5);
    });

    it('AntialiasedAvgPool (stride 2 on 9×9 → 5×5)', () => {
      const pool = new AntialiasedAvgPool(type, { stride: 2 });
      const out = pool.forward(x());
      expect(out.shape).toEqual([2, type.size, 5, 5]);
      expect(exactError((h) => pool.forward(h), x())).toBeLessThan(1e-5);
    });

    it('AntialiasedMaxPool on permutation fields (3×3 max, stride 2)', () => {
      const perm = new FieldType(group, [regularRepresentation(group), trivialRepresentation(group)]);
      const pool = new AntialiasedMaxPool(perm, { kernelSize: 3, stride: 2 });
      const input = new GeometricTensor(randn([2, perm.size, 9, 9], { generator: new Generator(12) }), perm);
      expect(pool.forward(input).shape).toEqual([2, perm.size, 5, 5]);
      expect(exactError((h) => pool.forward(h), input)).toBeLessThan(1e-5);
      expect(() => new AntialiasedMaxPool(type)).toThrow(/permute channels/);
      expect(() => new AntialiasedMaxPool(perm, { kernelSize: 2 })).toThrow(/kernelSize.*odd/);
    });

    it('transformInterpolated equals the exact transform on grid symmetries', () => {
      tidy(() => {
        const input = x();
        for (const g of group.elements()) {
          if (!group.isGridSymmetry(g)) continue;
          expect(
            maxAbsDiff(
              transformInterpolated(input, g).tensor.dataSync(),
              input.transform(g).tensor.dataSync(),
            ),
          ).toBeLessThan(1e-6);
        }
      });
    });
  },
);

describe('irrep-field layers: values, gradients, errors', () => {
  const c8 = cyclicGroup(8);
  const type = mixedType(c8);

  it('FieldBatchNorm normalises: invariant means vanish, per-field variance is 1; bias only on invariant directions', () => {
    const bn = new FieldBatchNorm(type, { affine: true });
    // Invariant directions: trivial (1) + regular (1); none for the two-dimensional irreps.
    expect(bn.bias!.shape).toEqual([2]);
    tidy(() => {
      const x = randn([4, type.size, 7, 7], { generator: new Generator(7) })
        .mul(3)
        .add(2);
      const y = bn.forward(new GeometricTensor(x, type)).tensor;
      const perChannelMean = y.mean([0, 2, 3]).dataSync();
      // trivial channel 2, regular channels 3..10: their (field-)means are 0.
      expect(Math.abs(perChannelMean[2]!)).toBeLessThan(1e-4);
      const regMean = Array.from(perChannelMean.slice(3, 11)).reduce((a, b) => a + b, 0) / 8;
      expect(Math.abs(regMean)).toBeLessThan(1e-4);
      const sq = y.square().mean([0, 2, 3]).dataSync();
      const field0 = (sq[0]! + sq[1]!) / 2;
      expect(field0).toBeGreaterThan(0.9);
      expect(field0).toBeLessThan(1.1);
    });
  });

  it('gradients match finite differences (norm ReLU, gates, batch norm)', () => {
    const small = new FieldType(c8, [irreducibleRepresentations(c8)[1]!, trivialRepresentation(c8)]);
    const x = randn([2, 3, 3, 3], { generator: new Generator(8) });
    const norm = new NormNonLinearity(small, 'n_relu');
    gradcheck((t: Tensor) => norm.forward(new GeometricTensor(t, small)).tensor, [x]);
    const gate = new GatedNonLinearity(small);
    gradcheck(
      (t: Tensor) => gate.forward(new GeometricTensor(t, gate.inType)).tensor,
      [randn([1, 5, 3, 3], { generator: new Generator(9) })],
    );
    const bn = new FieldBatchNorm(small);
    gradcheck((t: Tensor) => bn.forward(new GeometricTensor(t, small)).tensor, [x]);
  });

  it('bad input is refused with a clear error', () => {
    expect(() => new NormNonLinearity(type, 'relu' as 'n_relu')).toThrow(/'n_relu', 'n_sigmoid' or 'squash'/);
    const gate = new GatedNonLinearity(type);
    expect(() => gate.forward(new GeometricTensor(randn([1, type.size, 3, 3]), type))).toThrow(
      /GatedNonLinearity: argument 'x' expected a GeometricTensor of type C8\[trivial×5/,
    );
    expect(() => new FieldBatchNorm(type, { momentum: 2 })).toThrow(/momentum/);
    expect(() => new AntialiasedAvgPool(type, { sigma: 0 })).toThrow(/sigma/);
    const bn = new FieldBatchNorm(type);
    expect(() => bn.forward(new GeometricTensor(randn([1, 8, 3, 3]), FieldType.regular(c8, 1)))).toThrow(
      /FieldBatchNorm: argument 'x'/,
    );
  });
});

describe.each([
  ['C8', cyclicGroup(8)],
  ['D4', dihedralGroup(4)],
] as const)('%s: a whole steerable network on irrep fields', (_, group) => {
  it('R2Conv → gates → FieldBatchNorm → antialiased pool → R2Conv → norm ReLU → R2Conv to trivial: exactly equivariant (≤ 1e-5)', () => {
    const irr = irreducibleRepresentations(group);
    const gated = new FieldType(group, [irr[1]!, irr[2]!, regularRepresentation(group)]);
    const gate = new GatedNonLinearity(gated);
    const conv1 = new R2Conv(FieldType.trivial(group, 1), gate.inType, 5, { generator: new Generator(1) });
    const bn = new FieldBatchNorm(gated);
    const pool = new AntialiasedAvgPool(gated, { stride: 2 });
    const mid = new FieldType(group, [irr[1]!, irr[1]!, irr[2]!]);
    const conv2 = new R2Conv(gated, mid, 3, { generator: new Generator(2) });
    const norm = new NormNonLinearity(mid, 'n_relu');
    const conv3 = new R2Conv(mid, FieldType.trivial(group, 2), 3, { generator: new Generator(3) });
    const layers = [conv1, gate, bn, pool, conv2, norm, conv3];
    const net = (h: GeometricTensor) => layers.reduce((acc, l) => l.forward(acc), h);
    const x = new GeometricTensor(randn([2, 1, 13, 13], { generator: new Generator(4) }), conv1.inType);
    expect(exactError(net, x)).toBeLessThan(1e-5);
  });
});
