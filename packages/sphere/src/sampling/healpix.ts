import { argError } from '../errors.js';

/**
 * HEALPix (Górski et al. 2005): 12·Nside² equal-area pixels on 4·Nside − 1 rings of constant
 * latitude, indexed in RING order (rings north to south, east-going) or NESTED order (the quadtree
 * of the 12 base faces). An own implementation of the classic healpix_base algorithms, checked
 * pixel-for-pixel against healpy (test/fixtures/make_fixtures.py). Nside is a power of two ≤ 8192
 * (pixel indices stay exact in 32-bit integer arithmetic).
 */

const JRLL = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
const JPLL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];
export const HEALPIX_MAX_NSIDE = 8192;

export type HealpixOrder = 'ring' | 'nest';

export function checkNside(op: string, nside: number): number {
  if (!Number.isInteger(nside) || nside < 1 || (nside & (nside - 1)) !== 0 || nside > HEALPIX_MAX_NSIDE)
    argError(op, 'nside', `a power of two between 1 and ${HEALPIX_MAX_NSIDE}`, String(nside));
  return nside;
}

function checkPixel(op: string, nside: number, pix: number): void {
  if (!Number.isInteger(pix) || pix < 0 || pix >= 12 * nside * nside)
    argError(op, 'pixel', `an integer in [0, ${12 * nside * nside})`, String(pix));
}

function isqrt(v: number): number {
  let r = Math.floor(Math.sqrt(v));
  while (r * r > v) r--;
  while ((r + 1) * (r + 1) <= v) r++;
  return r;
}

/** Interleaves the bits of x (even positions) and y (odd positions). */
function spread(v: number): number {
  let r = 0;
  for (let b = 0; v >> b; b++) r |= ((v >> b) & 1) << (2 * b);
  return r;
}

function compress(v: number): number {
  let r = 0;
  for (let b = 0; v >> (2 * b); b++) r |= ((v >> (2 * b)) & 1) << b;
  return r;
}

function xyf2nest(nside: number, ix: number, iy: number, face: number): number {
  return face * nside * nside + spread(ix) + 2 * spread(iy);
}

function nest2xyf(nside: number, pix: number): [number, number, number] {
  const npface = nside * nside;
  const face = Math.floor(pix / npface);
  const p = pix - face * npface;
  return [compress(p), compress(p >> 1), face];
}

function xyf2ring(nside: number, ix: number, iy: number, face: number): number {
  const nl4 = 4 * nside;
  const jr = JRLL[face]! * nside - ix - iy - 1;
  let nr: number;
  let nBefore: number;
  let kshift: number;
  if (jr < nside) {
    nr = jr;
    nBefore = 2 * nr * (nr - 1);
    kshift = 0;
  } else if (jr > 3 * nside) {
    nr = nl4 - jr;
    nBefore = 12 * nside * nside - 2 * (nr + 1) * nr;
    kshift = 0;
  } else {
    nr = nside;
    nBefore = 2 * nside * (nside - 1) + (jr - nside) * nl4;
    kshift = (jr - nside) & 1;
  }
  let jp = (JPLL[face]! * nr + ix - iy + 1 + kshift) >> 1;
  if (jp > nl4) jp -= nl4;
  else if (jp < 1) jp += nl4;
  return nBefore + jp - 1;
}

function ring2xyf(nside: number, pix: number): [number, number, number] {
  const ncap = 2 * nside * (nside - 1);
  const npix = 12 * nside * nside;
  const nl2 = 2 * nside;
  let iring: number;
  let iphi: number;
  let kshift: number;
  let nr: number;
  let face: number;
  if (pix < ncap) {
    iring = (1 + isqrt(1 + 2 * pix)) >> 1;
    iphi = pix + 1 - 2 * iring * (iring - 1);
    kshift = 0;
    nr = iring;
    face = Math.floor((iphi - 1) / nr);
  } else if (pix < npix - ncap) {
    const ip = pix - ncap;
    const tmp = Math.floor(ip / (4 * nside));
    iring = tmp + nside;
    iphi = ip - tmp * 4 * nside + 1;
    kshift = (iring + nside) & 1;
    nr = nside;
    const ire = tmp + 1;
    const irm = nl2 + 1 - tmp;
    const ifm = Math.floor((iphi - (ire >> 1) + nside - 1) / nside);
    const ifp = Math.floor((iphi - (irm >> 1) + nside - 1) / nside);
    face = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
  } else {
    const ip = npix - pix;
    iring = (1 + isqrt(2 * ip - 1)) >> 1;
    iphi = 4 * iring + 1 - (ip - 2 * iring * (iring - 1));
    kshift = 0;
    nr = iring;
    iring = 2 * nl2 - iring;
    face = 8 + Math.floor((iphi - 1) / nr);
  }
  const irt = iring - JRLL[face]! * nside + 1;
  let ipt = 2 * iphi - JPLL[face]! * nr - kshift - 1;
  if (ipt >= nl2) ipt -= 8 * nside;
  return [(ipt - irt) >> 1, (-ipt - irt) >> 1, face];
}

/** NESTED → RING index. */
export function nest2ring(nside: number, pix: number): number {
  checkNside('nest2ring', nside);
  checkPixel('nest2ring', nside, pix);
  const [x, y, f] = nest2xyf(nside, pix);
  return xyf2ring(nside, x, y, f);
}

/** RING → NESTED index. */
export function ring2nest(nside: number, pix: number): number {
  checkNside('ring2nest', nside);
  checkPixel('ring2nest', nside, pix);
  const [x, y, f] = ring2xyf(nside, pix);
  return xyf2nest(nside, x, y, f);
}

/** Pixel centre (θ, φ) of a RING or NESTED pixel. */
export function pix2ang(nside: number, pix: number, order: HealpixOrder = 'ring'): [number, number] {
  checkNside('pix2ang', nside);
  checkPixel('pix2ang', nside, pix);
  const ring = order === 'nest' ? nest2ring(nside, pix) : pix;
  const ncap = 2 * nside * (nside - 1);
  const npix = 12 * nside * nside;
  if (ring < ncap) {
    const iring = (1 + isqrt(1 + 2 * ring)) >> 1;
    const iphi = ring + 1 - 2 * iring * (iring - 1);
    // 1 − z = iring²/(3 Nside²) = 2 sin²(θ/2): exact near the pole, where acos(z) would lose digits.
    return [2 * Math.asin(iring / (Math.sqrt(6) * nside)), ((iphi - 0.5) * Math.PI) / (2 * iring)];
  }
  if (ring < npix - ncap) {
    const ip = ring - ncap;
    const iring = Math.floor(ip / (4 * nside)) + nside;
    const iphi = (ip % (4 * nside)) + 1;
    const fodd = (iring + nside) & 1 ? 1 : 0.5;
    const z = ((2 * nside - iring) * 2) / (3 * nside);
    return [Math.acos(z), ((iphi - fodd) * Math.PI) / (2 * nside)];
  }
  const ip = npix - ring;
  const iring = (1 + isqrt(2 * ip - 1)) >> 1;
  const iphi = 4 * iring + 1 - (ip - 2 * iring * (iring - 1));
  return [Math.PI - 2 * Math.asin(iring / (Math.sqrt(6) * nside)), ((iphi - 0.5) * Math.PI) / (2 * iring)];
}

/** The pixel containing direction (θ, φ), θ ∈ [0, π]. */
export function ang2pix(nside: number, theta: number, phi: number, order: HealpixOrder = 'ring'): number {
  checkNside('ang2pix', nside);
  if (!(theta >= 0 && theta <= Math.PI))
    argError('ang2pix', 'theta', 'a colatitude in [0, π]', String(theta));
  if (!Number.isFinite(phi)) argError('ang2pix', 'phi', 'a finite longitude', String(phi));
  const z = Math.cos(theta);
  const za = Math.abs(z);
  let tt = (phi % (2 * Math.PI)) / (Math.PI / 2);
  if (tt < 0) tt += 4;
  if (tt >= 4) tt -= 4;
  const n = nside;
  if (za <= 2 / 3) {
    const t1 = n * (0.5 + tt);
    const t2 = n * z * 0.75;
    const jp = Math.floor(t1 - t2);
    const jm = Math.floor(t1 + t2);
    if (order === 'ring') {
      const ir = n + 1 + jp - jm;
      const kshift = 1 - (ir & 1);
      let ip = Math.floor((jp + jm - n + kshift + 1) / 2);
      ip %= 4 * n;
      if (ip < 0) ip += 4 * n;
      return 2 * n * (n - 1) + (ir - 1) * 4 * n + ip;
    }
    const ifp = Math.floor(jp / n);
    const ifm = Math.floor(jm / n);
    const face = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
    return xyf2nest(n, jm & (n - 1), n - (jp & (n - 1)) - 1, face);
  }
  // Polar caps: n·√(3(1−|z|)) = n·√6·sin(θ'/2) with θ' the distance to the nearer pole.
  const tp0 = z > 0 ? theta : Math.PI - theta;
  const tmp = n * Math.sqrt(6) * Math.sin(tp0 / 2);
  if (order === 'ring') {
    const tp = tt - Math.floor(tt);
    const jp = Math.floor(tp * tmp);
    const jm = Math.floor((1 - tp) * tmp);
    const ir = jp + jm + 1;
    let ip = Math.floor(tt * ir);
    ip %= 4 * ir;
    return z > 0 ? 2 * ir * (ir - 1) + ip : 12 * n * n - 2 * ir * (ir + 1) + ip;
  }
  const ntt = Math.min(3, Math.floor(tt));
  const tp = tt - ntt;
  const jp = Math.min(n - 1, Math.floor(tp * tmp));
  const jm = Math.min(n - 1, Math.floor((1 - tp) * tmp));
  return z >= 0 ? xyf2nest(n, n - jm - 1, n - jp - 1, ntt) : xyf2nest(n, jp, jm, ntt + 8);
}

const NB_X = [-1, -1, 0, 1, 1, 1, 0, -1];
const NB_Y = [0, 1, 1, 1, 0, -1, -1, -1];
const NB_FACE = [
  [8, 9, 10, 11, -1, -1, -1, -1, 10, 11, 8, 9],
  [5, 6, 7, 4, 8, 9, 10, 11, 9, 10, 11, 8],
  [-1, -1, -1, -1, 5, 6, 7, 4, -1, -1, -1, -1],
  [4, 5, 6, 7, 11, 8, 9, 10, 11, 8, 9, 10],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  [1, 2, 3, 0, 0, 1, 2, 3, 5, 6, 7, 4],
  [-1, -1, -1, -1, 7, 4, 5, 6, -1, -1, -1, -1],
  [3, 0, 1, 2, 3, 0, 1, 2, 4, 5, 6, 7],
  [2, 3, 0, 1, -1, -1, -1, -1, 0, 1, 2, 3],
];
const NB_SWAP = [
  [0, 0, 3],
  [0, 0, 6],
  [0, 0, 0],
  [0, 0, 5],
  [0, 0, 0],
  [5, 0, 0],
  [0, 0, 0],
  [6, 0, 0],
  [3, 0, 0],
];

/**
 * The 8 neighbours of a pixel in healpy's order (SW, W, NW, N, NE, E, SE, S); −1 where a pixel
 * has only 7 (the corners of the base faces where three faces meet).
 */
export function neighbours(nside: number, pix: number, order: HealpixOrder = 'ring'): Int32Array {
  checkNside('neighbours', nside);
  checkPixel('neighbours', nside, pix);
  const n = nside;
  const [ix, iy, face] = order === 'nest' ? nest2xyf(n, pix) : ring2xyf(n, pix);
  const toPix = (x: number, y: number, f: number) =>
    order === 'nest' ? xyf2nest(n, x, y, f) : xyf2ring(n, x, y, f);
  const out = new Int32Array(8);
  for (let m = 0; m < 8; m++) {
    let x = ix + NB_X[m]!;
    let y = iy + NB_Y[m]!;
    let nb = 4;
    if (x < 0) {
      x += n;
      nb -= 1;
    } else if (x >= n) {
      x -= n;
      nb += 1;
    }
    if (y < 0) {
      y += n;
      nb -= 3;
    } else if (y >= n) {
      y -= n;
      nb += 3;
    }
    const f = NB_FACE[nb]![face]!;
    if (f < 0) {
      out[m] = -1;
      continue;
    }
    const bits = NB_SWAP[nb]![face >> 2]!;
    if (bits & 1) x = n - x - 1;
    if (bits & 2) y = n - y - 1;
    if (bits & 4) [x, y] = [y, x];
    out[m] = toPix(x, y, f);
  }
  return out;
}

/** One HEALPix ring: its first RING pixel, pixel count, colatitude and first longitude. */
export interface HealpixRing {
  start: number;
  count: number;
  theta: number;
  phi0: number;
}

/** The 4·Nside − 1 rings, north to south: the layout the HEALPix harmonic transform runs on. */
export function healpixRings(nside: number): HealpixRing[] {
  checkNside('healpixRings', nside);
  const n = nside;
  const npix = 12 * n * n;
  const rings: HealpixRing[] = [];
  for (let i = 1; i < 4 * n; i++) {
    if (i < n) {
      rings.push({
        start: 2 * i * (i - 1),
        count: 4 * i,
        theta: 2 * Math.asin(i / (Math.sqrt(6) * n)),
        phi0: Math.PI / (4 * i),
      });
    } else if (i <= 3 * n) {
      const fodd = (i + n) & 1 ? 1 : 0.5;
      rings.push({
        start: 2 * n * (n - 1) + (i - n) * 4 * n,
        count: 4 * n,
        theta: Math.acos(((2 * n - i) * 2) / (3 * n)),
        phi0: ((1 - fodd) * Math.PI) / (2 * n),
      });
    } else {
      const ir = 4 * n - i;
      rings.push({
        start: npix - 2 * ir * (ir + 1),
        count: 4 * ir,
        theta: Math.PI - 2 * Math.asin(ir / (Math.sqrt(6) * n)),
        phi0: Math.PI / (4 * ir),
      });
    }
  }
  return rings;
}

/** A whole HEALPix sampling: centres, neighbour table and the nest ↔ ring permutations. */
export interface HealpixSampling {
  readonly kind: 'healpix';
  readonly nside: number;
  readonly npix: number;
  readonly order: HealpixOrder;
  /** Pixel centres `[npix]` in the sampling's order. */
  readonly theta: Float64Array;
  readonly phi: Float64Array;
  /** `[npix, 8]` neighbour table (−1 where missing), in the sampling's order. */
  readonly neighbours: Int32Array;
  /** Equal areas: 4π / npix each. */
  readonly pixelArea: number;
}

export function healpixSampling(nside: number, order: HealpixOrder = 'ring'): HealpixSampling {
  checkNside('healpixSampling', nside);
  if (order !== 'ring' && order !== 'nest')
    argError('healpixSampling', 'order', "'ring' or 'nest'", String(order));
  const npix = 12 * nside * nside;
  const theta = new Float64Array(npix);
  const phi = new Float64Array(npix);
  const nb = new Int32Array(npix * 8);
  for (let p = 0; p < npix; p++) {
    const [t, f] = pix2ang(nside, p, order);
    theta[p] = t;
    phi[p] = f;
    nb.set(neighbours(nside, p, order), p * 8);
  }
  return { kind: 'healpix', nside, npix, order, theta, phi, neighbours: nb, pixelArea: (4 * Math.PI) / npix };
}
