import { Generator, manualSeed, nn, noGrad, randn, type Tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  dihedralGroup,
  FieldType,
  GeometricTensor,
  GroupConv,
  GroupPool,
  irreducibleRepresentations,
  LiftingConv,
  type PlanarGroup,
  PointwiseMaxPool,
  ReLU,
  regularRepresentation,
} from '../src/index.js';
import { maxAbsDiff, relativeError } from './helpers.js';

/**
 * Equivariance tolerance: float32, exact group elements (90° turns and mirrors permute pixels and
 * filter taps exactly), so the only error is summation order; we require
 * max|f(g·x) − g·f(x)| ≤ 1e-5 · max|g·f(x)| for every element g.
 */
const TOL = 1e-5;

const p4 = cyclicGroup(4);
const p4m = dihedralGroup(4);

interface Net {
  layers: { forward(x: GeometricTensor): GeometricTensor }[];
  inType: FieldType;
}

function run(net: Net, x: GeometricTensor): GeometricTensor {
  return net.layers.reduce((h, layer) => layer.forward(h), x);
}

/** Worst equivariance error over every element of the group, relative to the output scale and absolute. */
function equivarianceError(group: PlanarGroup, net: Net, x: Tensor): { relative: number; absolute: number } {
  return tidy(() => {
    const gx = new GeometricTensor(x, net.inType);
    const y = run(net, gx);
    let worst = 0;
    let worstAbs = 0;
    for (const g of group.elements()) {
      const lhs = run(net, gx.transform(g)).tensor.dataSync();
      const rhs = y.transform(g).tensor.dataSync();
      worst = Math.max(worst, relativeError(lhs, rhs));
      worstAbs = Math.max(worstAbs, maxAbsDiff(lhs, rhs));
    }
    return { relative: worst, absolute: worstAbs };
  });
}

/** Both bounds: relative to the output scale (our criterion) and absolute (the issue's, outputs here are O(1)). */
function expectEquivariant(err: { relative: number; absolute: number }): void {
  expect(err.relative).toBeLessThan(TOL);
  expect(err.absolute).toBeLessThan(TOL);
}

describe.each([
  ['p4 (C4)', p4],
  ['p4m (D4)', p4m],
  // The other groups of exact grid symmetries: half turns (p2), one mirror (pm), both (pmm).
  ['p2 (C2)', cyclicGroup(2)],
  ['pm (D1)', dihedralGroup(1)],
  ['pmm (D2)', dihedralGroup(2)],
])('%s layers', (_, group) => {
  const gen = () => new Generator(11);

  it('LiftingConv is equivariant: conv(g·x) = g·conv(x) for every element (odd input, k = 3 and 5)', () => {
    for (const k of [3, 5]) {
      const lift = new LiftingConv(group, 3, 4, k, { generator: gen() });
      noGrad(() => lift.bias!.assign(randn([4], { generator: gen() })));
      const err = equivarianceError(
        group,
        { layers: [lift], inType: lift.inType },
        randn([2, 3, 11, 11], { generator: gen() }),
      );
      expectEquivariant(err);
    }
  });

  it('GroupConv is equivariant for every element', () => {
    const conv = new GroupConv(group, 2, 3, 3, { generator: gen() });
    noGrad(() => conv.bias!.assign(randn([3], { generator: gen() })));
    const x = randn([2, conv.inType.size, 9, 9], { generator: gen() });
    const e = equivarianceError(group, { layers: [conv], inType: conv.inType }, x);
    expectEquivariant(e);
  });

  it('a whole network (lift, ReLU, group conv, ReLU, max pool, group conv) is equivariant; group pooling is invariant', () => {
    manualSeed(3);
    const lift = new LiftingConv(group, 1, 4, 3);
    const relu1 = new ReLU(lift.outType);
    const conv = new GroupConv(group, 4, 4, 3);
    const relu2 = new ReLU(conv.outType);
    const pool = new PointwiseMaxPool(conv.outType, 2);
    const conv2 = new GroupConv(group, 4, 2, 3);
    const gpool = new GroupPool(conv2.outType, 'max');
    const body = [lift, relu1, conv, relu2, pool, conv2];
    const x = randn([2, 1, 12, 12], { generator: gen() });
    const eb = equivarianceError(group, { layers: body, inType: lift.inType }, x);
    expectEquivariant(eb);
    // The pooled output is a trivial field: g acts on it by the plane alone, and the spatial mean is invariant.
    const invariant = { layers: [...body, gpool], inType: lift.inType };
    const ei = equivarianceError(group, invariant, x);
    expectEquivariant(ei);
    tidy(() => {
      const gx = new GeometricTensor(x, lift.inType);
      const base = run(invariant, gx).tensor.mean([2, 3]).dataSync();
      for (const g of group.elements()) {
        const rotated = run(invariant, gx.transform(g)).tensor.mean([2, 3]).dataSync();
        expect(relativeError(rotated, base)).toBeLessThan(TOL);
      }
    });
  });

  it('the check is sharp: a plain (non-equivariant) convolution fails it by far', () => {
    const plain = new nn.Conv2d(3, 4, 3, { padding: 1, generator: gen() });
    const asLayer = {
      forward: (x: GeometricTensor) =>
        new GeometricTensor(plain.forward(x.tensor), FieldType.trivial(group, 4)),
    };
    const err = equivarianceError(
      group,
      { layers: [asLayer], inType: FieldType.trivial(group, 3) },
      randn([1, 3, 9, 9], { generator: gen() }),
    );
    expect(err.relative).toBeGreaterThan(0.1);
  });

  it('mean group pooling is invariant to the fibre permutation', () => {
    const conv = new GroupConv(group, 1, 2, 3, { generator: gen() });
    const pool = new GroupPool(conv.outType, 'mean');
    const x = randn([1, conv.inType.size, 7, 7], { generator: gen() });
    expectEquivariant(equivarianceError(group, { layers: [conv, pool], inType: conv.inType }, x));
  });

  it('export() gives a plain Conv2d with the same output; bias is per field', () => {
    const conv = new GroupConv(group, 2, 3, 3, { generator: gen() });
    noGrad(() => conv.bias!.assign(randn([3], { generator: gen() })));
    expect(conv.bias!.shape).toEqual([3]);
    expect(conv.weight.shape).toEqual([3, 2, group.order, 3, 3]);
    const plain = conv.export();
    expect(plain).toBeInstanceOf(nn.Conv2d);
    expect(plain.weight.shape).toEqual([3 * group.order, 2 * group.order, 3, 3]);
    tidy(() => {
      const x = randn([2, conv.inType.size, 8, 8], { generator: gen() });
      const a = conv.forward(new GeometricTensor(x, conv.inType)).tensor.dataSync();
      const b = plain.forward(x).dataSync();
      expect(relativeError(b, a)).toBeLessThan(1e-6);
      // A zero input leaves exactly the bias, equal on each field's |G| channels.
      const bias = plain.bias!.dataSync();
      const fields = conv.bias!.dataSync();
      for (let c = 0; c < bias.length; c++) expect(bias[c]).toBe(fields[Math.floor(c / group.order)]);
    });
  });

  it('state dicts hold only the base filter and the per-field bias', () => {
    const conv = new GroupConv(group, 2, 3, 3, { generator: gen() });
    expect(conv.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ['weight', [3, 2, group.order, 3, 3]],
      ['bias', [3]],
    ]);
  });

  it('gradients reach the base filter and bias through the expansion', () => {
    const lift = new LiftingConv(group, 1, 2, 3, { generator: gen() });
    const conv = new GroupConv(group, 2, 1, 3, { generator: gen() });
    const x = new GeometricTensor(randn([1, 1, 5, 5], { generator: gen() }), lift.inType);
    const loss = conv.forward(lift.forward(x)).tensor.square().sum();
    loss.backward();
    for (const p of [lift.weight, lift.bias!, conv.weight, conv.bias!]) {
      expect(p.grad).not.toBeNull();
      expect(p.grad!.shape).toEqual(p.shape);
    }
  });
});

describe('bad input', () => {
  it('even kernels, non-grid groups, wrong types, wrong channel counts and wrong rank are reported', () => {
    expect(() => new LiftingConv(p4, 1, 2, 4)).toThrow(
      /LiftingConv: argument 'kernelSize' expected an odd positive integer .* but received 4/,
    );
    expect(() => new GroupConv(p4m, 1, 2, 2)).toThrow(/GroupConv: argument 'kernelSize' expected an odd/);
    expect(() => new GroupConv(cyclicGroup(8), 1, 2, 3)).toThrow(
      /GroupConv: argument 'group' expected a group of exact grid symmetries .* but received C8/,
    );
    const lift = new LiftingConv(p4, 3, 2, 3);
    const conv = new GroupConv(p4, 4, 2, 3);
    // Wrong channel count for a FieldType.
    expect(() => new GeometricTensor(randn([1, 2, 5, 5]), lift.inType)).toThrow(
      /GeometricTensor: argument 'tensor' expected 3 channels for field type C4\[trivial×3\] but received 2 channels/,
    );
    // Wrong rank.
    expect(() => new GeometricTensor(randn([3, 5, 5]), lift.inType)).toThrow(
      /expected a rank-4 tensor \[batch, 3, height, width\].* but received rank 3/,
    );
    // Field type mismatch between layers: lift gives regular×2, conv wants regular×4.
    const y = lift.forward(new GeometricTensor(randn([1, 3, 5, 5]), lift.inType));
    expect(() => conv.forward(y)).toThrow(
      /GroupConv: argument 'x' expected a GeometricTensor of type C4\[regular×4\] but received one of type C4\[regular×2\]/,
    );
    // A p4m tensor into a p4 layer.
    const other = new GeometricTensor(randn([1, 3, 5, 5]), FieldType.trivial(p4m, 3));
    expect(() => lift.forward(other)).toThrow(
      /expected a GeometricTensor of type C4\[trivial×3\] but received one of type D4\[trivial×3\]/,
    );
    // A plain tensor.
    expect(() => lift.forward(randn([1, 3, 5, 5]) as unknown as GeometricTensor)).toThrow(
      /expected a GeometricTensor .* but received a plain Tensor of shape \[1, 3, 5, 5\]/,
    );
    // Pointwise ReLU on a 2-dim irrep field, group pooling of trivial fields.
    const irrep1 = irreducibleRepresentations(p4)[1]!;
    expect(() => new ReLU(new FieldType(p4, [regularRepresentation(p4), irrep1]))).toThrow(
      /ReLU: argument 'type' expected fields whose representations permute channels .* \(irrep_1 is not a permutation representation\)/,
    );
    expect(() => new GroupPool(FieldType.trivial(p4, 2))).toThrow(
      /GroupPool: argument 'inType' expected regular fields only/,
    );
  });
});
