/**
 * Complex discrete Fourier transforms on Float64Array (the float64 CPU path of the SHT): radix-2
 * Cooley–Tukey for powers of two, Bluestein's chirp-z for every other length, so a ring of any
 * length (HEALPix polar rings have 4i pixels) costs O(n log n). Twiddles are computed from the
 * exactly reduced angle 2π·(k mod n)/n, which keeps round trips at ~1e-15.
 */

const planCache = new Map<number, FftPlan>();

interface FftPlan {
  n: number;
  /** Radix-2: twiddles cos/sin(2πk/n), k < n/2. */
  cos?: Float64Array;
  sin?: Float64Array;
  rev?: Uint32Array;
  /** Bluestein: chirp w_k = exp(-iπk²/n), the padded length m and the FFT of the conjugate chirp. */
  m?: number;
  chirpRe?: Float64Array;
  chirpIm?: Float64Array;
  filterRe?: Float64Array;
  filterIm?: Float64Array;
}

function isPow2(n: number): boolean {
  return (n & (n - 1)) === 0;
}

function plan(n: number): FftPlan {
  let p = planCache.get(n);
  if (p) return p;
  if (isPow2(n)) {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    const rev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    p = { n, cos, sin, rev };
  } else {
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    const chirpRe = new Float64Array(n);
    const chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle small, so large k lose no precision.
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      chirpRe[k] = Math.cos(a);
      chirpIm[k] = -Math.sin(a);
    }
    const filterRe = new Float64Array(m);
    const filterIm = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      filterRe[k] = chirpRe[k]!;
      filterIm[k] = -chirpIm[k]!;
      if (k > 0) {
        filterRe[m - k] = chirpRe[k]!;
        filterIm[m - k] = -chirpIm[k]!;
      }
    }
    fftInPlace(filterRe, filterIm, false);
    p = { n, m, chirpRe, chirpIm, filterRe, filterIm };
  }
  planCache.set(n, p);
  return p;
}

function radix2(re: Float64Array, im: Float64Array, p: FftPlan, inverse: boolean): void {
  const n = p.n;
  const rev = p.rev!;
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const sgn = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = p.cos![k * step]!;
        const wi = sgn * p.sin![k * step]!;
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * In-place unnormalised DFT of (re, im): X_k = Σ_j x_j exp(∓2πi jk/n), minus sign forward, plus
 * sign inverse (the inverse does not divide by n).
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const p = plan(n);
  if (p.rev) {
    radix2(re, im, p, inverse);
    return;
  }
  // Bluestein: X_k = w_k Σ_j (x_j w_j) conj(w_{k-j}); the inverse is the conjugate transform.
  const m = p.m!;
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  const s = inverse ? -1 : 1;
  for (let k = 0; k < n; k++) {
    const cr = p.chirpRe![k]!;
    const ci = s * p.chirpIm![k]!;
    ar[k] = re[k]! * cr - im[k]! * ci;
    ai[k] = re[k]! * ci + im[k]! * cr;
  }
  fftInPlace(ar, ai, false);
  for (let k = 0; k < m; k++) {
    const fr = p.filterRe![k]!;
    const fi = s * p.filterIm![k]!;
    const xr = ar[k]! * fr - ai[k]! * fi;
    ai[k] = ar[k]! * fi + ai[k]! * fr;
    ar[k] = xr;
  }
  fftInPlace(ar, ai, true);
  for (let k = 0; k < n; k++) {
    const cr = p.chirpRe![k]!;
    const ci = s * p.chirpIm![k]!;
    const xr = ar[k]! / m;
    const xi = ai[k]! / m;
    re[k] = xr * cr - xi * ci;
    im[k] = xr * ci + xi * cr;
  }
}
