import { Generator, randn, type Tensor, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import {
  fromRingMajor,
  gridSampling,
  gridSHT64,
  RingMajorZonalConv,
  randomRotation,
  ringMajorSphericalMean,
  rotateCoefficients,
  SpectralResample,
  SpectralZonalConv,
  seededUniform,
  sphericalMean,
  toRingMajor,
} from '../src/index.js';
import { gaussians, relL2 } from './helpers.js';

const g12 = gridSampling('gauss-legendre', 12);
const g7 = gridSampling('gauss-legendre', 7);

/** Sets the ring-major conv's weight to the channels-first one's (same [out, in, L] layout). */
function twin(
  from: typeof g12,
  to: typeof g12,
  ci: number,
  co: number,
  L: number,
): [SpectralZonalConv, RingMajorZonalConv] {
  const a = new SpectralZonalConv(from, ci, co, { seed: 3, bandLimit: L, bias: false });
  const b = new RingMajorZonalConv(from, ci, co, { seed: 3, bandLimit: L, outSampling: to });
  return [a, b];
}

describe('ring-major zonal convolution', () => {
  it('equals SpectralZonalConv (+ spectral pooling) on the same weights, same and coarser grid', () => {
    const x = randn([3, 2, g12.nlat, g12.nlon], { generator: new Generator(1) });
    // same grid, full band limit
    const [a, b] = twin(g12, g12, 2, 5, 12);
    expect(b.weight.dataSync()).toEqual(a.weight.dataSync());
    const ya = a.forward(x);
    const yb = b.forward(toRingMajor(x));
    expect(yb.shape).toEqual([12, 3, 5, 24]);
    expect(relL2(fromRingMajor(yb).dataSync(), ya.dataSync())).toBeLessThan(2e-6);
    // onto the 7×14 grid at L = 7: the channels-first conv at L = 7 followed by resampling
    const [c, d] = twin(g12, g7, 2, 4, 7);
    const yc = new SpectralResample(g12, g7).forward(c.forward(x));
    const yd = fromRingMajor(d.forward(toRingMajor(x)));
    expect(yd.shape).toEqual([3, 4, 7, 14]);
    expect(relL2(yd.dataSync(), yc.dataSync())).toBeLessThan(2e-6);
  });

  it('SpectralZonalConv with outSampling equals conv + SpectralResample', () => {
    const x = randn([2, 3, g12.nlat, g12.nlon], { generator: new Generator(2) });
    const fused = new SpectralZonalConv(g12, 3, 2, { seed: 4, outSampling: g7 });
    expect(fused.bandLimit).toBe(7);
    const plain = new SpectralZonalConv(g12, 3, 2, { seed: 4, bandLimit: 7 });
    const ref = new SpectralResample(g12, g7).forward(plain.forward(x));
    const y = fused.forward(x);
    expect(y.shape).toEqual([2, 2, 7, 14]);
    expect(relL2(y.dataSync(), ref.dataSync())).toBeLessThan(2e-6);
  });

  it('is rotation equivariant to float32 precision on band-limited inputs, with batch norm in eval mode', () => {
    const L = 7;
    const ref12 = gridSHT64(g12, L);
    const ref7 = gridSHT64(g7, L);
    const conv = new RingMajorZonalConv(g12, 1, 2, { outSampling: g7, batchNorm: true, seed: 5 });
    conv.eval();
    const c = gaussians(L * L, 9);
    const rand = seededUniform(3);
    const asInput = (coeffs: Float64Array) =>
      toRingMajor(tensor(Float32Array.from(ref12.inverse(coeffs)), [1, 1, g12.nlat, g12.nlon]));
    const y = fromRingMajor(conv.forward(asInput(c))).dataSync();
    const n = g7.nlat * g7.nlon;
    for (let trial = 0; trial < 2; trial++) {
      const rot = randomRotation(rand);
      const yr = fromRingMajor(conv.forward(asInput(rotateCoefficients(c, L, rot)))).dataSync();
      for (let o = 0; o < 2; o++) {
        const out = Float64Array.from(y.subarray(o * n, (o + 1) * n));
        const expected = ref7.inverse(rotateCoefficients(ref7.forward(out), L, rot));
        expect(relL2(yr.subarray(o * n, (o + 1) * n), expected)).toBeLessThan(1e-5);
      }
    }
  });

  it('batch norm (train mode) gives each channel spherical mean β and variance γ² over the batch', () => {
    const x = randn([4, 2, g12.nlat, g12.nlon], { generator: new Generator(6) });
    const plain = new RingMajorZonalConv(g12, 2, 3, { outSampling: g7, seed: 7 });
    const bn = new RingMajorZonalConv(g12, 2, 3, { outSampling: g7, seed: 7, batchNorm: true });
    const gamma = [1.5, 0.5, 2];
    const beta = [0.25, -1, 0];
    bn.bnWeight!.assign(tensor(Float32Array.from(gamma), [3]));
    bn.bnBias!.assign(tensor(Float32Array.from(beta), [3]));
    const y = fromRingMajor(plain.forward(toRingMajor(x))).dataSync();
    const z = fromRingMajor(bn.forward(toRingMajor(x))).dataSync();
    // float64 reference: Gauss–Legendre quadrature (exact for these band-limited squares)
    const w = g7.weights!;
    const n = g7.nlat * g7.nlon;
    const at = (v: ArrayLike<number>, b: number, o: number, t: number, p: number) =>
      Number(v[((b * 3 + o) * g7.nlat + t) * g7.nlon + p]);
    const expected = new Float64Array(z.length);
    for (let o = 0; o < 3; o++) {
      let m1 = 0;
      let m2 = 0;
      for (let b = 0; b < 4; b++)
        for (let t = 0; t < g7.nlat; t++)
          for (let p = 0; p < g7.nlon; p++) {
            const v = at(y, b, o, t, p);
            m1 += (w[t]! / 2 / g7.nlon / 4) * v;
            m2 += (w[t]! / 2 / g7.nlon / 4) * v * v;
          }
      const sd = Math.sqrt(m2 - m1 * m1 + 1e-5);
      for (let b = 0; b < 4; b++)
        for (let i = 0; i < n; i++) {
          const k = (b * 3 + o) * n + i;
          expected[k] = (gamma[o]! * (y[k]! - m1)) / sd + beta[o]!;
        }
    }
    expect(relL2(z, expected)).toBeLessThan(1e-5);
    // running statistics moved 10% of the way from (0, 1)
    const rm = bn.getBuffer('running_mean').dataSync();
    expect(rm[0]).not.toBe(0);
    bn.eval();
    const ze = bn.forward(toRingMajor(x));
    expect(Number.isFinite(ze.sum().item())).toBe(true);
  });

  it('has gradients for input, weight, bias and batch-norm parameters', () => {
    const s = gridSampling('gauss-legendre', 4);
    const s3 = gridSampling('gauss-legendre', 3);
    const conv = new RingMajorZonalConv(s, 2, 3, { outSampling: s3, bias: true, seed: 8 });
    const x = randn([s.nlat, 2, 2, s.nlon], { generator: new Generator(9) });
    gradcheck(
      (xx, w, b) => {
        conv.weight = w!;
        conv.bias = b!;
        return conv.forward(xx!);
      },
      [x, conv.weight, randn([3], { generator: new Generator(10) })],
    );
    // batch norm divides by a batch standard deviation: a batch of 4 and eps 3e-3 keep the float32
    // central differences within tolerance (batch 2 with eps 1e-3 is off by ~5% on one element)
    const bn = new RingMajorZonalConv(s, 2, 3, { outSampling: s3, batchNorm: true, seed: 11 });
    const x4 = randn([s.nlat, 4, 2, s.nlon], { generator: new Generator(15) });
    gradcheck(
      (xx, w, g, b) => {
        bn.weight = w!;
        bn.bnWeight = g!;
        bn.bnBias = b!;
        return bn.forward(xx!);
      },
      [
        x4,
        bn.weight,
        randn([3], { generator: new Generator(12) }).add(2),
        randn([3], { generator: new Generator(13) }),
      ],
      { eps: 3e-3 },
    );
  });

  it('ring-major spherical mean equals sphericalMean of the channels-first maps; layouts round-trip', () => {
    const x = randn([2, 3, g7.nlat, g7.nlon], { generator: new Generator(14) });
    const r = toRingMajor(x);
    expect(r.shape).toEqual([7, 2, 3, 14]);
    expect(fromRingMajor(r).dataSync()).toEqual(x.dataSync());
    const a = ringMajorSphericalMean(r, g7);
    expect(a.shape).toEqual([2, 3]);
    expect(relL2(a.dataSync(), sphericalMean(x, g7).dataSync())).toBeLessThan(1e-6);
    gradcheck((t: Tensor | undefined) => ringMajorSphericalMean(t!, g7), [r]);
  });

  it('rejects channels-first input, wrong channels and band limits the grids cannot carry', () => {
    const conv = new RingMajorZonalConv(g12, 2, 3, { outSampling: g7 });
    expect(conv.bandLimit).toBe(7);
    expect(() => conv.forward(randn([1, 2, 12, 24]))).toThrow(/ring-major shape \[12, batch, 2, 24\]/);
    expect(() => conv.forward(randn([12, 1, 3, 24]))).toThrow(/x/);
    expect(() => new RingMajorZonalConv(g12, 1, 1, { outSampling: g7, bandLimit: 9 })).toThrow(/bandLimit/);
    expect(() => new RingMajorZonalConv(g12, 0, 1)).toThrow(/inChannels/);
    expect(() => toRingMajor(randn([2, 3]))).toThrow(/\[batch, channels, nlat, nlon\]/);
    expect(() => ringMajorSphericalMean(randn([3, 1, 1, 14]), g7)).toThrow(/\[7, batch, channels, 14\]/);
  });
});
