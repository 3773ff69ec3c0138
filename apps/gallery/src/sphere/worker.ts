/**
 * The sphere page's worker: holds three spherical convolutions with fixed random weights (one input
 * and one output channel each) and, per request, rotates the input signal exactly in harmonic space
 * (float64 Wigner-D rotation), runs each layer on [x, R x] in one batch on the chosen backend, rotates
 * the output of x through the transform and measures the equivariance error. Only one request runs
 * at a time; the page keeps only the latest pending one.
 */
import { noGrad, type Tensor, tensor } from '@erlangen/core';
import {
  ang2pix,
  DiscoConvS2,
  gridSampling,
  gridSHT64,
  HealpixChebConv,
  HealpixSHT64,
  nest2ring,
  ring2nest,
  rotateCoefficients,
  type SHT64,
  SpectralZonalConv,
} from '@erlangen/sphere';
import { chooseBackend } from '../shared/backend.js';
import {
  BAND_LIMIT,
  type Euler,
  type FamilyResult,
  HEALPIX_NSIDE,
  NLAT,
  NLON,
  type SphereMessage,
  type SphereRequest,
} from './protocol.js';

const post = (m: SphereMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);

const grid = gridSampling('gauss-legendre', NLAT, { nlon: NLON });
const PIX = NLAT * NLON;
const NPIX = 12 * HEALPIX_NSIDE * HEALPIX_NSIDE;
const HP_BAND = 3 * HEALPIX_NSIDE;

interface Layers {
  sht: SHT64;
  hp: HealpixSHT64;
  zonal: SpectralZonalConv;
  disco: DiscoConvS2;
  graph: HealpixChebConv;
  /** Area weight of each grid point (∝ w_t), `[NLAT·NLON]`. */
  area: Float64Array;
  /** NEST index of the HEALPix pixel holding grid point (t, p), `[NLAT·NLON]`. */
  gridToNest: Int32Array;
  /** RING index of NEST pixel p, `[NPIX]`. */
  nestToRing: Int32Array;
}
let layers: Layers;

function inverse(e: Euler): Euler {
  return { alpha: -e.gamma, beta: -e.beta, gamma: -e.alpha };
}

/** Area-weighted relative L2 ‖a − b‖ / ‖b‖ (weights null: plain). */
function relL2(a: ArrayLike<number>, b: ArrayLike<number>, w: Float64Array | null): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    const wi = w ? w[i]! : 1;
    num += wi * (a[i]! - b[i]!) ** 2;
    den += wi * b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}

async function init(req: Extract<SphereRequest, { type: 'init' }>): Promise<void> {
  const choice = await chooseBackend(req.backend);
  post({ type: 'backend', ...choice });
  post({ type: 'progress', label: 'Building the transforms and the three layers…', value: 0, total: 2 });
  const area = new Float64Array(PIX);
  for (let t = 0; t < NLAT; t++) area.fill(grid.weights![t]!, t * NLON, (t + 1) * NLON);
  const gridToNest = new Int32Array(PIX);
  for (let t = 0; t < NLAT; t++)
    for (let p = 0; p < NLON; p++)
      gridToNest[t * NLON + p] = ring2nest(
        HEALPIX_NSIDE,
        ang2pix(HEALPIX_NSIDE, grid.theta[t]!, grid.phi[p]!),
      );
  const nestToRing = new Int32Array(NPIX);
  for (let p = 0; p < NPIX; p++) nestToRing[p] = nest2ring(HEALPIX_NSIDE, p);
  layers = {
    sht: gridSHT64(grid, BAND_LIMIT),
    hp: new HealpixSHT64(HEALPIX_NSIDE, HP_BAND),
    zonal: new SpectralZonalConv(grid, 1, 1, { seed: 1, bias: false }),
    disco: new DiscoConvS2(grid, 1, 1, { kernelShape: [3, 1], seed: 2, bias: false }),
    graph: new HealpixChebConv(HEALPIX_NSIDE, 1, 1, { order: 3, seed: 3, bias: false }),
    area,
    gridToNest,
    nestToRing,
  };
  // One forward per layer on zeros, so the timings shown later do not include compiling kernels
  // (on WebGPU, the first call of each op builds its pipeline).
  post({ type: 'progress', label: 'Compiling the layers’ kernels (one warm-up pass)…', value: 1, total: 2 });
  const zerosGrid = new Float64Array(PIX);
  await runPair((t) => layers.zonal.forward(t), zerosGrid, zerosGrid, [1, NLAT, NLON]);
  await runPair((t) => layers.disco.forward(t), zerosGrid, zerosGrid, [1, NLAT, NLON]);
  const zerosHp = new Float64Array(NPIX);
  await runPair((t) => layers.graph.forward(t), zerosHp, zerosHp, [1, NPIX]);
  post({
    type: 'ready',
    discoNonzeros: layers.disco.filter.nS,
    graphPixels: NPIX,
  });
  post({ type: 'progress', label: 'Ready.', value: 2, total: 2 });
}

/** Runs `layer` on a batch [x, R x] and returns both outputs (float32, flattened per row). */
async function runPair(layer: (x: Tensor) => Tensor, x: Float64Array, xr: Float64Array, shape: number[]) {
  const n = x.length;
  const flat = new Float32Array(2 * n);
  flat.set(x, 0);
  flat.set(xr, n);
  const start = performance.now();
  const y = noGrad(() => {
    const input = tensor(flat, [2, ...shape]);
    const out = layer(input);
    input.dispose();
    return out;
  });
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return { plain: values.subarray(0, n), rotated: values.subarray(n, 2 * n), ms: performance.now() - start };
}

async function compute(req: Extract<SphereRequest, { type: 'compute' }>): Promise<void> {
  const start = performance.now();
  const { sht, hp } = layers;
  const rot = req.euler;
  const back = inverse(rot);
  const rotatedCoeffs = rotateCoefficients(req.coeffs, BAND_LIMIT, rot);
  const x = sht.inverse(req.coeffs);
  const xr = sht.inverse(rotatedCoeffs);
  const families: FamilyResult[] = [];

  // Grid families: R̂ y = inverse SHT of the rotated coefficients of y (exact when y is band-limited).
  const rotateGrid = (y: Float64Array, e: Euler) =>
    sht.inverse(rotateCoefficients(sht.forward(y), BAND_LIMIT, e));
  const gridShape = [1, NLAT, NLON];
  for (const key of ['zonal', 'disco'] as const) {
    const layer = layers[key];
    const { plain, rotated, ms } = await runPair((t) => layer.forward(t), x, xr, gridShape);
    const y = Float64Array.from(plain);
    const reference = rotateGrid(y, rot);
    families.push({
      key,
      output: Float32Array.from(rotated),
      reference: Float32Array.from(reference),
      error: relL2(rotated, reference, layers.area),
      floor: relL2(rotateGrid(reference, back), y, layers.area),
      ms,
    });
  }

  // The graph family on HEALPix (NESTED order for the layer, RING for the transform).
  const hpCoeffs = (c: Float64Array) => c.subarray(0, HP_BAND * HP_BAND);
  const toNest = (ring: Float64Array) => Float64Array.from(layers.nestToRing, (r) => ring[r]!);
  const toRing = (nest: ArrayLike<number>) => {
    const out = new Float64Array(NPIX);
    for (let p = 0; p < NPIX; p++) out[layers.nestToRing[p]!] = nest[p]!;
    return out;
  };
  const rotateHp = (nest: ArrayLike<number>, e: Euler) =>
    toNest(hp.alm2map(rotateCoefficients(hp.map2alm(toRing(nest), 3), HP_BAND, e)));
  const hx = toNest(hp.alm2map(hpCoeffs(req.coeffs)));
  const hxr = toNest(hp.alm2map(hpCoeffs(rotatedCoeffs)));
  const g = await runPair((t) => layers.graph.forward(t), hx, hxr, [1, NPIX]);
  const gRef = rotateHp(g.plain, rot);
  const onGrid = (nest: ArrayLike<number>) => Float32Array.from(layers.gridToNest, (p) => nest[p]!);
  families.push({
    key: 'graph',
    output: onGrid(g.rotated),
    reference: onGrid(gRef),
    error: relL2(g.rotated, gRef, null),
    floor: relL2(rotateHp(gRef, back), g.plain, null),
    ms: g.ms,
  });

  const rotatedInput = Float32Array.from(xr);
  post({ type: 'result', id: req.id, euler: rot, rotatedInput, families, ms: performance.now() - start }, [
    rotatedInput.buffer,
    ...families.flatMap((f) => [f.output.buffer, f.reference.buffer]),
  ]);
}

self.onmessage = (e: MessageEvent<SphereRequest>) => {
  const req = e.data;
  (req.type === 'init' ? init(req) : compute(req)).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
