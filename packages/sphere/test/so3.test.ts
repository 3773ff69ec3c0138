import { Generator, randn, tensor } from '@erlangen/core';
import { gradcheck } from '@erlangen/core/testing';
import { describe, expect, it } from 'vitest';
import {
  eulerToMatrix,
  gridSampling,
  gridSHT64,
  matrixToEuler,
  randomRotation,
  rotateCoefficients,
  S2ToSO3Conv,
  SO3Conv,
  SO3FFT,
  seededUniform,
  wignerDPlanes,
} from '../src/index.js';
import { gaussians, relL2 } from './helpers.js';

/** Evaluates f(R) = Σ F^l_mn D^l_mn(R) in float64 at Euler angles (α, β, γ). */
function evalSO3(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  b: number,
  alpha: number,
  beta: number,
  gamma: number,
): number {
  const M = 2 * b - 1;
  let s = 0;
  let l = 0;
  for (const d of wignerDPlanes(b, beta)) {
    const dim = 2 * l + 1;
    for (let m = -l; m <= l; m++)
      for (let n = -l; n <= l; n++) {
        const at = l * M * M + (m + b - 1) * M + (n + b - 1);
        const ang = -(m * alpha + n * gamma);
        const v = d[(m + l) * dim + (n + l)]!;
        s += v * (re[at]! * Math.cos(ang) - im[at]! * Math.sin(ang));
      }
    l++;
  }
  return s;
}

describe('SO(3) Fourier transform', () => {
  it('forward ∘ inverse ∘ forward = forward (exact quadrature on band-limited signals)', () => {
    const fft = new SO3FFT(4);
    const x = randn([2, 4, 8, 8], { generator: new Generator(1) });
    const { re, im } = fft.forward(x);
    const y = fft.inverse(re, im);
    const again = fft.forward(y);
    expect(relL2(again.re.dataSync(), re.dataSync())).toBeLessThan(1e-5);
    expect(relL2(again.im.dataSync(), im.dataSync())).toBeLessThan(1e-5);
    expect(relL2(fft.inverse(again.re, again.im).dataSync(), y.dataSync())).toBeLessThan(1e-5);
    // the synthesis agrees with a float64 evaluation of Σ F D at a grid point
    const reD = (re.dataSync() as Float32Array).subarray(0, 4 * 49);
    const imD = (im.dataSync() as Float32Array).subarray(0, 4 * 49);
    const v = evalSO3(reD, imD, 4, (2 * Math.PI * 3) / 8, fft.beta[2]!, (2 * Math.PI * 5) / 8);
    expect(Math.abs(v - y.dataSync()[2 * 64 + 3 * 8 + 5]!)).toBeLessThan(1e-4);
    // the Haar mean of a constant is the constant
    expect(fft.mean(tensor(new Float32Array(256).fill(2), [4, 8, 8])).item()).toBeCloseTo(2, 5);
  });
});

describe('S² → SO(3) and SO(3) → SO(3) convolutions', () => {
  const b = 4;
  const s = gridSampling('gauss-legendre', b);
  const sht = gridSHT64(s, b);

  /** max relative error between net(rot x) and net(x)(Q⁻¹R) over the SO(3) grid, per output channel. */
  function leftEquivarianceError(
    net: (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor>,
    fft: SO3FFT,
    channels: number,
    inC: number,
  ): number {
    const rand = seededUniform(5);
    const c = Array.from({ length: inC }, (_, i) => gaussians(b * b, i + 1));
    const toT = (cs: Float64Array[]) =>
      tensor(Float32Array.from(cs.flatMap((x) => Array.from(sht.inverse(x)))), [1, inC, s.nlat, s.nlon]);
    const h = net(toT(c));
    const { re, im } = fft.forward(h);
    const rot = randomRotation(rand);
    const hRot = net(toT(c.map((x) => rotateCoefficients(x, b, rot)))).dataSync();
    const qInv = eulerToMatrix({ alpha: -rot.gamma, beta: -rot.beta, gamma: -rot.alpha });
    const ref = new Float64Array(hRot.length);
    const n = 2 * b;
    const per = b * (2 * b - 1) ** 2;
    for (let o = 0; o < channels; o++)
      for (let k = 0; k < b; k++)
        for (let a = 0; a < n; a++)
          for (let g = 0; g < n; g++) {
            const r = eulerToMatrix({
              alpha: (2 * Math.PI * a) / n,
              beta: fft.beta[k]!,
              gamma: (2 * Math.PI * g) / n,
            });
            const prod = new Float64Array(9);
            for (let i = 0; i < 3; i++)
              for (let j = 0; j < 3; j++)
                for (let t = 0; t < 3; t++) prod[i * 3 + j]! += qInv[i * 3 + t]! * r[t * 3 + j]!;
            const e = matrixToEuler(prod);
            ref[((o * b + k) * n + a) * n + g] = evalSO3(
              (re.dataSync() as Float32Array).subarray(o * per, (o + 1) * per),
              (im.dataSync() as Float32Array).subarray(o * per, (o + 1) * per),
              b,
              e.alpha,
              e.beta,
              e.gamma,
            );
          }
    return relL2(hRot, ref);
  }

  it('S2ToSO3Conv: rotating the input by Q gives h(Q⁻¹R), to float32 precision', () => {
    const conv = new S2ToSO3Conv(s, 2, 3, b, { seed: 1 });
    expect(leftEquivarianceError((x) => conv.forward(x), conv.so3, 3, 2)).toBeLessThan(1e-4);
  });

  it('SO3Conv after S2ToSO3Conv: the same left equivariance', () => {
    const lift = new S2ToSO3Conv(s, 2, 3, b, { seed: 1 });
    const conv = new SO3Conv(3, 2, b, { seed: 4 });
    expect(leftEquivarianceError((x) => conv.forward(lift.forward(x)), conv.so3, 2, 2)).toBeLessThan(1e-4);
  });

  it('SO3Conv commutes with left rotations (checked through S2ToSO3Conv) and both have gradients', () => {
    const lift = new S2ToSO3Conv(s, 1, 2, b, { seed: 2 });
    const conv = new SO3Conv(2, 2, b, { seed: 3 });
    const rand = seededUniform(9);
    const c = gaussians(b * b, 4);
    const rot = randomRotation(rand);
    const toT = (x: Float64Array) => tensor(Float32Array.from(sht.inverse(x)), [1, 1, s.nlat, s.nlon]);
    // invariants: the Haar mean of conv(lift(x)) is rotation invariant if both layers are equivariant
    const inv = (x: Float64Array) => conv.so3.mean(conv.forward(lift.forward(toT(x)))).dataSync();
    const a = inv(c);
    const r = inv(rotateCoefficients(c, b, rot));
    expect(relL2(r, a)).toBeLessThan(1e-4);
    // equivariance of the SO(3) layer itself: power spectrum per degree (Σ_mn |H^l_mn|² per l) is invariant under left rotation
    const power = (x: Float64Array) => {
      const { re, im } = conv.so3.forward(conv.forward(lift.forward(toT(x))));
      const rr = re.dataSync();
      const ii = im.dataSync();
      const M = 2 * b - 1;
      return Array.from({ length: 2 * b }, (_, ol) => {
        let sum = 0;
        for (let k = 0; k < M * M; k++) sum += rr[ol * M * M + k]! ** 2 + ii[ol * M * M + k]! ** 2;
        return sum;
      });
    };
    // left rotation mixes rows m of H^l unitarily, so Σ_m |H^l_mn|² per (l, n) is invariant too
    expect(relL2(power(rotateCoefficients(c, b, rot)), power(c))).toBeLessThan(1e-4);
    const g = new Generator(5);
    const small = new S2ToSO3Conv(gridSampling('gauss-legendre', 2), 1, 1, 2, { seed: 6 });
    gradcheck((x) => small.forward(x!), [randn([1, 1, 2, 4], { generator: g })]);
    const sc = new SO3Conv(1, 1, 2, { seed: 7 });
    gradcheck(
      (x, w) => {
        sc.weight = w!;
        return sc.forward(x!);
      },
      [randn([1, 1, 2, 4, 4], { generator: g }), sc.weight],
    );
    expect(() => sc.forward(randn([1, 1, 2, 4, 5]))).toThrow(/\[batch, 1, 2, 4, 4\]/);
  });
});
