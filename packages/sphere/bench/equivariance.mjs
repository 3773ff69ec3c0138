// Equivariance vs cost for each spherical convolution family (issue #8's table).
// Run after `npx turbo run build --filter=@erlangen/sphere`:
//   node packages/sphere/bench/equivariance.mjs [--quick] [--json out.json]
// For each family and resolution: relative L2 error between conv(R x) and R̂ conv(x) over random
// rotations R (x a random band-limited signal, rotated exactly in harmonic space), the
// interpolation floor ‖R̂⁻¹R̂ y − y‖/‖y‖ (what rotating a non-band-limited output through the SHT
// itself loses), and ms per forward (batch 1, 16→16 channels, median of runs, same process).
import { writeFileSync } from 'node:fs';
import { noGrad, tensor } from '@erlangen/core';
import {
  DiscoConvS2,
  gridSampling,
  gridSHT64,
  HealpixChebConv,
  HealpixSHT64,
  nest2ring,
  randomRotation,
  rotateCoefficients,
  SpectralZonalConv,
  seededUniform,
} from '../dist/index.js';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const ROTATIONS = quick ? 2 : 4;
const CH = 16;

function gaussians(n, rand) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
  return out;
}
function relL2(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function timeForward(fn, runs = quick ? 3 : 7) {
  fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/**
 * Generic measurement: `rotIn(rot)` gives the rotated input maps (exact), `rotOut(y, rot)` rotates
 * one output channel map through the transform, `run(maps)` applies the layer.
 */
function measure({ name, resolution, channels, x, rotIn, rotOut, run }) {
  const rand = seededUniform(7);
  const errs = [];
  const floors = [];
  const y = noGrad(() => run(x)).dataSync();
  const n = y.length / channels;
  for (let r = 0; r < ROTATIONS; r++) {
    const rot = randomRotation(rand);
    const yr = noGrad(() => run(rotIn(rot))).dataSync();
    const a = [];
    const b = [];
    for (let c = 0; c < channels; c++) {
      const yc = Float64Array.from(y.subarray(c * n, (c + 1) * n));
      const ryc = rotOut(yc, rot);
      a.push(...yr.subarray(c * n, (c + 1) * n));
      b.push(...ryc);
      if (c === 0) {
        const back = rotOut(ryc, { alpha: -rot.gamma, beta: -rot.beta, gamma: -rot.alpha });
        floors.push(relL2(back, yc));
      }
    }
    errs.push(relL2(a, b));
  }
  const ms = timeForward(() => noGrad(() => run(x)));
  const row = { family: name, resolution, error: median(errs), floor: median(floors), ms };
  console.log(
    `${name.padEnd(26)} ${resolution.padEnd(14)} err ${row.error.toExponential(2)}  floor ${row.floor.toExponential(2)}  ${ms.toFixed(2)} ms`,
  );
  return row;
}

const rows = [];

// Grid families: zonal (harmonic) and DISCO, on equiangular grids.
for (const nlat of quick ? [17, 33] : [17, 33, 65]) {
  const s = gridSampling('equiangular', nlat);
  const Lmax = s.maxBandLimit;
  const Lin = 8; // fixed input band limit: the grid refines under the same signal
  const shtMax = gridSHT64(s, Lmax);
  const rand = seededUniform(nlat);
  const coeffs = Array.from({ length: CH }, () => {
    const c = new Float64Array(Lmax * Lmax);
    c.set(gaussians(Lin * Lin, rand));
    return c;
  });
  const mapsOf = (cs) => cs.flatMap((c) => Array.from(shtMax.inverse(c)));
  const inputMaps = mapsOf(coeffs);
  const shape = [1, CH, s.nlat, s.nlon];
  const rotIn = (rot) =>
    tensor(Float32Array.from(mapsOf(coeffs.map((c) => rotateCoefficients(c, Lmax, rot)))), shape);
  const rotOut = (y, rot) => shtMax.inverse(rotateCoefficients(shtMax.forward(y), Lmax, rot));
  const res = `${s.nlat}×${s.nlon}`;
  const xT = tensor(Float32Array.from(inputMaps), shape);
  const zonal = new SpectralZonalConv(s, CH, CH, { seed: 1, bias: false });
  rows.push(
    measure({
      name: 'harmonic (zonal) S²→S²',
      resolution: res,
      channels: CH,
      x: xT,
      rotIn,
      rotOut,
      run: (x) => zonal.forward(x),
    }),
  );
  const disco = new DiscoConvS2(s, CH, CH, { kernelShape: [3, 1], seed: 2, bias: false });
  rows.push(
    measure({
      name: 'DISCO S²→S² (cutoff 3 rows)',
      resolution: res,
      channels: CH,
      x: xT,
      rotIn,
      rotOut,
      run: (x) => disco.forward(x),
    }),
  );
  // The same filter in physical size at every resolution: only the quadrature refines.
  const fixed = new DiscoConvS2(s, CH, CH, {
    kernelShape: [3, 1],
    cutoff: (3 * Math.PI) / 16,
    seed: 2,
    bias: false,
  });
  rows.push(
    measure({
      name: 'DISCO S²→S² (cutoff 3π/16)',
      resolution: res,
      channels: CH,
      x: xT,
      rotIn,
      rotOut,
      run: (x) => fixed.forward(x),
    }),
  );
}

// HEALPix graph (DeepSphere-style Chebyshev, K = 3). Maps are kept in NESTED order for the layer.
for (const nside of quick ? [4, 8] : [4, 8, 16]) {
  const npix = 12 * nside * nside;
  const Lin = 8;
  const Lout = 3 * nside;
  const hp = new HealpixSHT64(nside, Lout);
  const rand = seededUniform(nside);
  const coeffs = Array.from({ length: CH }, () => {
    const c = new Float64Array(Lout * Lout);
    c.set(gaussians(Lin * Lin, rand));
    return c;
  });
  const ringToNest = new Int32Array(npix);
  for (let p = 0; p < npix; p++) ringToNest[p] = nest2ring(nside, p); // nest index p ← ring index
  const toNest = (ring) => Float64Array.from({ length: npix }, (_, p) => ring[ringToNest[p]]);
  const toRing = (nest) => {
    const out = new Float64Array(npix);
    for (let p = 0; p < npix; p++) out[ringToNest[p]] = nest[p];
    return out;
  };
  const mapsOf = (cs) => cs.flatMap((c) => Array.from(toNest(hp.alm2map(c))));
  const inputMaps = mapsOf(coeffs);
  const shape = [1, CH, npix];
  const rotIn = (rot) =>
    tensor(Float32Array.from(mapsOf(coeffs.map((c) => rotateCoefficients(c, Lout, rot)))), shape);
  const rotOut = (y, rot) => toNest(hp.alm2map(rotateCoefficients(hp.map2alm(toRing(y), 3), Lout, rot)));
  const xT = tensor(Float32Array.from(inputMaps), shape);
  const cheb = new HealpixChebConv(nside, CH, CH, { order: 3, seed: 3, bias: false });
  rows.push(
    measure({
      name: 'graph Chebyshev (HEALPix)',
      resolution: `nside ${nside} (${npix})`,
      channels: CH,
      x: xT,
      rotIn,
      rotOut,
      run: (x) => cheb.forward(x),
    }),
  );
}

if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(rows, null, 2));
