import { Generator, manualSeed, randn, type Tensor, tensor } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  bunny,
  ConvGeometry,
  cotanLaplacian,
  DiffusionBlock,
  FieldType,
  GemConv,
  GeodesicPolarConv,
  GradientFeatures,
  generalizedEigen,
  icosphere,
  lumpedMass,
  MeshGCN,
  RegularNonlinearity,
  rotateFieldsHost,
  rotateGauge,
  SpectralGeometry,
  vertexGauges,
} from '../src/index.js';
import { gradcheck, hostRandom, maxDiff } from './helpers.js';

const randomAngles = (n: number, seed: number): Float64Array => {
  const r = hostRandom(seed);
  return Float64Array.from({ length: n }, () => 2 * Math.PI * r() - Math.PI);
};
const values = (t: Tensor): Float32Array => t.dataSync() as Float32Array;
/** x → ρ(−α_i) x_i: how features transform when every gauge turns by α_i. */
const gaugeTransform = (x: Tensor | Float32Array, type: FieldType, alpha: Float64Array): Float32Array =>
  rotateFieldsHost(
    x instanceof Float32Array ? x : values(x),
    type,
    alpha.map((a) => -a),
  );

describe('GemConv', () => {
  const mesh = bunny();
  const alpha = randomAngles(mesh.numVertices, 7);
  const geom = new ConvGeometry(mesh, { rings: 2 });
  const turned = new ConvGeometry(mesh, { rings: 2, gauge: rotateGauge(geom.gauge, alpha) });

  it('is gauge equivariant: a random gauge change per vertex rotates outputs by the matching irreps (< 1e-5, float32)', () => {
    manualSeed(1);
    for (const [tin, tout] of [
      [new FieldType([4]), new FieldType([3, 3, 2])],
      [new FieldType([2, 3, 1]), new FieldType([2, 2, 2, 1])],
      [new FieldType([0, 2]), new FieldType([3])],
    ] as const) {
      const conv = new GemConv(tin, tout, 2, { generator: new Generator(3) });
      const x = randn([mesh.numVertices, tin.dim]);
      const y = conv.forward(x, geom);
      const yTurned = conv.forward(tensor(gaugeTransform(x, tin, alpha), x.shape), turned);
      const expected = gaugeTransform(y, tout, alpha);
      expect(maxDiff(values(yTurned), expected)).toBeLessThan(1e-5);
    }
  });

  it('a gauge-blind layer (no transport, no kernel constraint) is NOT equivariant — the test can fail', () => {
    // Plain GCN on vector features treats (a, b) as two scalars: the error is of order 1.
    const tin = new FieldType([0, 2]);
    const gcn = new MeshGCN(tin.dim, tin.dim, { generator: new Generator(0) });
    const x = randn([mesh.numVertices, tin.dim]);
    const y = gcn.forward(x, geom);
    const yTurned = gcn.forward(tensor(gaugeTransform(x, tin, alpha), x.shape), turned);
    expect(maxDiff(values(yTurned), gaugeTransform(y, tin, alpha))).toBeGreaterThan(0.1);
  });

  it('scalar outputs are unchanged by a rigid rotation of the mesh', () => {
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    // Rotation about (1, 1, 1)/√3 by 0.7 rad, plus a translation.
    const k = [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
    const R = [0, 1, 2].flatMap((i) =>
      [0, 1, 2].map((j) => {
        const kk = k[i]! * k[j]! * (1 - c);
        const cross = [
          [0, -k[2]!, k[1]!],
          [k[2]!, 0, -k[0]!],
          [-k[1]!, k[0]!, 0],
        ][i]![j]!;
        return (i === j ? c : 0) + kk + s * cross;
      }),
    );
    const moved = new ConvGeometry(mesh.transformed(R, [0.3, -2, 5]), { rings: 2 });
    const l1 = new GemConv([3], [2, 2], 2, { generator: new Generator(4) });
    const l2 = new GemConv([2, 2], [5], 2, { generator: new Generator(5) });
    const x = randn([mesh.numVertices, 3]);
    const a = l2.forward(l1.forward(x, geom).relu(), geom);
    const b = l2.forward(l1.forward(x, moved).relu(), moved);
    expect(maxDiff(values(a), values(b))).toBeLessThan(1e-4);
  });

  it('passes a finite-difference gradient check (input, kernel, self-interaction, bias)', () => {
    const small = icosphere(1);
    const g = new ConvGeometry(small, { rings: 2 });
    const conv = new GemConv([2, 1], [1, 1, 1], 2, { generator: new Generator(9) });
    const x = randn([small.numVertices, 4], { generator: new Generator(2) });
    const params = [conv.weight, ...conv.selfWeights, conv.bias!];
    gradcheck(
      (xx: Tensor, w: Tensor, s0: Tensor, s1: Tensor, b: Tensor) => {
        const saved = [conv.weight, conv.selfWeights[0], conv.selfWeights[1], conv.bias];
        conv.weight = w;
        conv.selfWeights = [s0, s1];
        conv.bias = b;
        const out = conv.forward(xx, g);
        [conv.weight, conv.selfWeights[0], conv.selfWeights[1], conv.bias] = saved as Tensor[];
        return out;
      },
      [x, ...params.map((p) => p.detach())],
    );
  });

  it('rejects features of the wrong type', () => {
    const conv = new GemConv([2, 1], [1], 2);
    expect(() => conv.forward(randn([mesh.numVertices, 3]), geom)).toThrow(
      /GemConv.forward: argument 'x' expected features of shape \[1839, 4\] \(FieldType\[2, 1\]\) but received \[1839, 3\]/,
    );
    expect(() => new ConvGeometry(mesh, { rings: 0 })).toThrow(
      /argument 'rings' expected a positive integer/,
    );
  });
});

describe('RegularNonlinearity', () => {
  const mesh = icosphere(3);
  const alpha = randomAngles(mesh.numVertices, 11);
  const type = FieldType.uniform(4, 3);
  const x = randn([mesh.numVertices, type.dim], { generator: new Generator(5) });
  const xTurned = tensor(gaugeTransform(x, type, alpha), x.shape);
  const err = (n: number, act?: (t: Tensor) => Tensor): number => {
    const nl = new RegularNonlinearity(type, n, act);
    return maxDiff(values(nl.forward(xTurned)), gaugeTransform(nl.forward(x), type, alpha));
  };

  it('is exact for the identity when N ≥ 2·order + 1', () => {
    expect(err(7, (t) => t)).toBeLessThan(1e-5);
    expect(err(7, (t) => t)).toBeLessThan(1e-5);
  });

  it('with ReLU the equivariance error shrinks as N grows, and vanishes for rotations by multiples of 2π/N', () => {
    const e = [8, 16, 64].map((n) => err(n));
    expect(e[0]!).toBeGreaterThan(e[1]!);
    expect(e[1]!).toBeGreaterThan(e[2]!);
    expect(e[2]!).toBeLessThan(0.05);
    const N = 12;
    const steps = Float64Array.from(alpha, (a) => (2 * Math.PI * Math.round((a * N) / (2 * Math.PI))) / N);
    const nl = new RegularNonlinearity(type, N);
    const exact = maxDiff(
      values(nl.forward(tensor(gaugeTransform(x, type, steps), x.shape))),
      gaugeTransform(nl.forward(x), type, steps),
    );
    expect(exact).toBeLessThan(1e-5);
  });

  it('passes a finite-difference gradient check (ReLU, 9 samples)', () => {
    const small = FieldType.uniform(2, 2);
    const nl = new RegularNonlinearity(small, 9);
    // 5 × 2 × 9 ReLU samples: with eps = 1e-3 a sample crossing a kink is unlikely (seeded, checked).
    const xx = randn([5, small.dim], { generator: new Generator(12) });
    gradcheck((t: Tensor) => nl.forward(t), [xx], { atol: 2e-3 });
  });

  it('refuses sample counts that alias the orders', () => {
    expect(() => new RegularNonlinearity(type, 6)).toThrow(
      /argument 'samples' expected at least 2·maxOrder \+ 1 = 7/,
    );
    expect(() => new RegularNonlinearity(new FieldType([2, 1]), 9)).toThrow(
      /the same multiplicity for every order/,
    );
  });
});

describe('baselines', () => {
  const mesh = icosphere(3);
  const geom = new ConvGeometry(mesh);

  it('GeodesicPolarConv is invariant to gauge rotations by whole angular bins, not to arbitrary ones', () => {
    const conv = new GeodesicPolarConv(3, 4, { angularBins: 8, radialBins: 2, generator: new Generator(1) });
    const x = randn([mesh.numVertices, 3], { generator: new Generator(3) });
    const y = values(conv.forward(x, geom));
    const r = hostRandom(5);
    const steps = Float64Array.from(
      { length: mesh.numVertices },
      () => (2 * Math.PI * Math.floor(8 * r())) / 8,
    );
    const byBins = new ConvGeometry(mesh, { gauge: rotateGauge(geom.gauge, steps) });
    expect(maxDiff(values(conv.forward(x, byBins)), y)).toBeLessThan(1e-5);
    const arbitrary = new ConvGeometry(mesh, {
      gauge: rotateGauge(geom.gauge, randomAngles(mesh.numVertices, 2)),
    });
    expect(maxDiff(values(conv.forward(x, arbitrary)), y)).toBeGreaterThan(1e-3);
  });

  it('gradient checks for MeshGCN and GeodesicPolarConv', () => {
    const small = icosphere(1);
    const g = new ConvGeometry(small);
    const x = randn([small.numVertices, 2], { generator: new Generator(4) });
    const gcn = new MeshGCN(2, 3, { generator: new Generator(0) });
    gradcheck((xx: Tensor) => gcn.forward(xx, g), [x]);
    const polar = new GeodesicPolarConv(2, 3, { angularBins: 4, radialBins: 1, generator: new Generator(0) });
    gradcheck((xx: Tensor) => polar.forward(xx, g), [x], { atol: 2e-3 });
  });
});

describe('DiffusionNet-style block', () => {
  const mesh = icosphere(2);
  const eigen = generalizedEigen(cotanLaplacian(mesh), lumpedMass(mesh), 16);
  const gauge = vertexGauges(mesh);
  const g0 = new SpectralGeometry(mesh, 16, { eigen, gauge });
  const g1 = new SpectralGeometry(mesh, 16, {
    eigen,
    gauge: rotateGauge(gauge, randomAngles(mesh.numVertices, 13)),
  });

  it('gradient features and the whole block are invariant to the tangent frames', () => {
    const x = randn([mesh.numVertices, 6], { generator: new Generator(8) });
    const gf = new GradientFeatures(6, { generator: new Generator(1) });
    const a = values(gf.forward(x, g0));
    expect(maxDiff(a, values(gf.forward(x, g1)))).toBeLessThan(1e-5);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3); // not trivially zero
    const block = new DiffusionBlock(6, { generator: new Generator(2) });
    expect(maxDiff(values(block.forward(x, g0)), values(block.forward(x, g1)))).toBeLessThan(1e-5);
  });

  it('learned diffusion keeps the projection at t = 0 and tends to the area-weighted mean as t grows', () => {
    const block = new DiffusionBlock(2);
    const x = randn([mesh.numVertices, 2], { generator: new Generator(6) });
    const area = lumpedMass(mesh).diagonalValues();
    const xs = values(x);
    const mean = [0, 1].map(
      (c) =>
        xs.reduce((s, v, i) => s + (i % 2 === c ? v * area[i >> 1]! : 0), 0) /
        area.reduce((s, a) => s + a, 0),
    );
    block.diffusion.time = tensor([1000, 1000]).requireGrad();
    const far = values(block.diffusion.forward(x, g0));
    expect(
      maxDiff(
        far,
        Float32Array.from(far, (_, i) => mean[i % 2]!),
      ),
    ).toBeLessThan(1e-4);
    block.diffusion.time = tensor([0, 0]).requireGrad();
    // t = 0: the projection onto the 16 lowest eigenvectors (a smoothed copy, not the identity).
    const zero = values(block.diffusion.forward(x, g0));
    const twice = values(block.diffusion.forward(tensor(zero, x.shape), g0));
    expect(maxDiff(zero, twice)).toBeLessThan(1e-4);
  });

  it('gradient check through diffusion time and gradient features', () => {
    const small = icosphere(1);
    const e = generalizedEigen(cotanLaplacian(small), lumpedMass(small), 8);
    const g = new SpectralGeometry(small, 8, { eigen: e });
    const block = new DiffusionBlock(2, { generator: new Generator(3) });
    const x = randn([small.numVertices, 2], { generator: new Generator(1) });
    gradcheck((xx: Tensor) => block.forward(xx, g), [x]);
  });
});
