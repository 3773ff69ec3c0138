/**
 * The equivariance-vs-cost measurement of the example (the same protocol as
 * packages/sphere/bench/equivariance.mjs, at fewer resolutions): relative L2 error between
 * conv(R x) and R̂ conv(x) for random rotations R, x band-limited at L = 8 and rotated exactly in
 * harmonic space, R̂ the rotation through the SHT; the floor ‖R̂⁻¹R̂ y − y‖/‖y‖; ms per forward.
 */
import { noGrad, type Tensor, tensor } from '@erlangen/core';
import {
  DiscoConvS2,
  type EulerAngles,
  gridSampling,
  gridSHT64,
  HealpixChebConv,
  HealpixSHT64,
  nest2ring,
  randomRotation,
  rotateCoefficients,
  SpectralZonalConv,
  seededUniform,
} from '@erlangen/sphere';
import type { EquivarianceRow } from './svg.js';

const CH = 16;
const L_IN = 8;

function gaussians(n: number, rand: () => number): Float64Array {
  return Float64Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand()),
  );
}

function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Case {
  family: string;
  resolution: string;
  x: Tensor;
  rotIn: (rot: EulerAngles) => Tensor;
  rotOut: (y: Float64Array, rot: EulerAngles) => Float64Array;
  run: (x: Tensor) => Tensor;
}

function measure(c: Case, rotations: number): EquivarianceRow {
  const rand = seededUniform(7);
  const y = noGrad(() => c.run(c.x)).dataSync();
  const n = y.length / CH;
  const errs: number[] = [];
  const floors: number[] = [];
  for (let r = 0; r < rotations; r++) {
    const rot = randomRotation(rand);
    const yr = noGrad(() => c.run(c.rotIn(rot))).dataSync();
    const ref = new Float64Array(y.length);
    for (let ch = 0; ch < CH; ch++) {
      const yc = Float64Array.from(y.subarray(ch * n, (ch + 1) * n));
      const ryc = c.rotOut(yc, rot);
      ref.set(ryc, ch * n);
      if (ch === 0)
        floors.push(relL2(c.rotOut(ryc, { alpha: -rot.gamma, beta: -rot.beta, gamma: -rot.alpha }), yc));
    }
    errs.push(relL2(yr, ref));
  }
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    noGrad(() => c.run(c.x)).dataSync();
    times.push(performance.now() - t0);
  }
  return {
    family: c.family,
    resolution: c.resolution,
    error: median(errs),
    floor: median(floors),
    ms: median(times),
  };
}

export function equivarianceTable(
  nlats: number[],
  nsides: number[],
  rotations = 3,
  log = (s: string) => console.log(s),
): EquivarianceRow[] {
  const rows: EquivarianceRow[] = [];
  const push = (row: EquivarianceRow) => {
    rows.push(row);
    log(
      `${row.family.padEnd(28)} ${row.resolution.padEnd(16)} error ${row.error.toExponential(2)}  floor ${row.floor.toExponential(2)}  ${row.ms.toFixed(2)} ms`,
    );
  };
  for (const nlat of nlats) {
    const s = gridSampling('equiangular', nlat);
    const L = s.maxBandLimit;
    const sht = gridSHT64(s, L);
    const rand = seededUniform(nlat);
    const coeffs = Array.from({ length: CH }, () => {
      const c = new Float64Array(L * L);
      c.set(gaussians(L_IN * L_IN, rand));
      return c;
    });
    const shape = [1, CH, s.nlat, s.nlon];
    const mapsOf = (cs: Float64Array[]) =>
      tensor(Float32Array.from(cs.flatMap((c) => Array.from(sht.inverse(c)))), shape);
    const base = {
      resolution: `${s.nlat}×${s.nlon}`,
      x: mapsOf(coeffs),
      rotIn: (rot: EulerAngles) => mapsOf(coeffs.map((c) => rotateCoefficients(c, L, rot))),
      rotOut: (y: Float64Array, rot: EulerAngles) => sht.inverse(rotateCoefficients(sht.forward(y), L, rot)),
    };
    const zonal = new SpectralZonalConv(s, CH, CH, { seed: 1, bias: false });
    push(measure({ ...base, family: 'harmonic (zonal)', run: (x) => zonal.forward(x) }, rotations));
    const disco = new DiscoConvS2(s, CH, CH, {
      kernelShape: 3,
      cutoff: (3 * Math.PI) / 16,
      seed: 2,
      bias: false,
    });
    push(measure({ ...base, family: 'DISCO (cutoff 3π/16)', run: (x) => disco.forward(x) }, rotations));
  }
  for (const nside of nsides) {
    const npix = 12 * nside * nside;
    const L = 3 * nside;
    const hp = new HealpixSHT64(nside, L);
    const rand = seededUniform(nside);
    const coeffs = Array.from({ length: CH }, () => {
      const c = new Float64Array(L * L);
      c.set(gaussians(L_IN * L_IN, rand));
      return c;
    });
    const ringOf = Int32Array.from({ length: npix }, (_, p) => nest2ring(nside, p));
    const toNest = (ring: Float64Array) => Float64Array.from({ length: npix }, (_, p) => ring[ringOf[p]!]!);
    const toRing = (nest: Float64Array) => {
      const out = new Float64Array(npix);
      for (let p = 0; p < npix; p++) out[ringOf[p]!] = nest[p]!;
      return out;
    };
    const mapsOf = (cs: Float64Array[]) =>
      tensor(Float32Array.from(cs.flatMap((c) => Array.from(toNest(hp.alm2map(c))))), [1, CH, npix]);
    const cheb = new HealpixChebConv(nside, CH, CH, { order: 3, seed: 3, bias: false });
    push(
      measure(
        {
          family: 'graph Chebyshev (HEALPix)',
          resolution: `nside ${nside}`,
          x: mapsOf(coeffs),
          rotIn: (rot) => mapsOf(coeffs.map((c) => rotateCoefficients(c, L, rot))),
          rotOut: (y, rot) => toNest(hp.alm2map(rotateCoefficients(hp.map2alm(toRing(y), 3), L, rot))),
          run: (x) => cheb.forward(x),
        },
        rotations,
      ),
    );
  }
  return rows;
}
