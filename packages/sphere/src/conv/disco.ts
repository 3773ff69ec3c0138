import {
  argError,
  checkPositiveInt,
  concat,
  fmtShape,
  Generator,
  indexAdd,
  nn,
  randn,
  stack,
  type Tensor,
  tensor,
  zeros,
} from '@erlangen/core';
import type { GridSampling } from '../sampling/grid.js';

/** Filter basis of a DISCO convolution, on the geodesic disk of radius `cutoff` about each output point. */
export type DiscoBasis = 'piecewise-linear' | 'zernike' | 'harmonic' | 'morlet';

export interface DiscoFilterOptions {
  /**
   * [nr, nphi]: nr radial hat functions centred at r_k = k·cutoff/nr; with nphi > 1 every ring
   * beyond the centre is split into nphi angular hats (K = 1 + (nr−1)·nphi). A number n means [n, 1]
   * (isotropic, K = n). Default [3, 1]. For the Zernike basis, n (or [n, 1]) means the radial orders
   * 0 … n−1 with every admissible angular order: K = n(n+1)/2. For the harmonic basis, [nr, nm]
   * means the same nr radial hats times the circular harmonics of orders 0 … nm−1 (1, cos mα,
   * sin mα) on every hat but the centre one, which is isotropic: K = 1 + (nr−1)(2nm−1). For the
   * Morlet basis, [nu, nv] Fourier modes along the two tangent axes (a number n means [n, n]): K = nu·nv.
   */
  kernelShape?: number | [number, number];
  /** Disk radius in radians; default nr·π/(nlat_out − 1) for equiangular, nr·π/nlat_out otherwise. */
  cutoff?: number;
  /**
   * How the quadrature values ψ_k·w of each basis function are scaled at each output latitude:
   * - 'mean' (default): so that its quadrature sum is 1 — the discrete filter then integrates to
   *   the same value at every latitude. Signed bases: Zernike and Morlet functions are divided by
   *   the quadrature area of the disk there; harmonic functions by the quadrature sum of the isotropic hat they
   *   multiply (so the m = 0 ones sum to 1 and their cos/sin companions share its scale). This is
   *   per latitude, unlike torch-harmonics' 'mean' (one scale per function, averaged over latitudes).
   * - 'individual': divided by Σ |ψ_k|·w, its quadrature L1 norm there (torch-harmonics'
   *   'individual', later called 'nodal'; equal to 'mean' for the nonnegative piecewise-linear basis).
   * - 'support': divided by Σ w over the points where ψ_k ≠ 0, the quadrature area of its support
   *   (torch-harmonics' 'support').
   * - 'none': the raw quadrature ψ_k·w.
   */
  normalization?: 'mean' | 'individual' | 'support' | 'none';
  /**
   * 'piecewise-linear' (radial hats, optionally × angular hats; default), 'zernike' (Zernike
   * polynomials R_n^|m|(r/cutoff)·cos/sin(mα) on the disk, orthogonal on it) or 'harmonic' (radial
   * hats × circular harmonics cos mα, sin mα, as in harmonic networks: a rotation by γ about the
   * disk's centre turns each (cos, sin) pair of order m by the angle mγ, so the pair responds to
   * orientation smoothly; functions of different order are orthogonal on the disk) or 'morlet'
   * (torch-harmonics' third basis: a Hann window cos²(πρ/2), ρ = r/cutoff, times Fourier modes
   * h_a(u)·h_b(v) in the tangent coordinates u = ρ cos α, v = ρ sin α, with h_0 = 1,
   * h_{2j−1}(t) = sin(jπt), h_{2j}(t) = cos(jπt)).
   */
  basis?: DiscoBasis;
}

/**
 * The precomputed sparse DISCO filter tensor (Ocampo, Price & McEwen 2023; torch-harmonics layout
 * idea): ψ_k evaluated at every input point inside the disk of each output point on the meridian
 * φ = 0, times the input quadrature weight. Output longitudes reuse it by a shift, so it is stored as
 * a dense [K·nlat_out, nS] matrix over nS "offset columns" (input ring i, longitude offset dj) and a
 * gather index that reads input pixel (i, (dj + p·stride) mod nlon_in) for output longitude p.
 */
export interface DiscoFilter {
  readonly kernelSize: number;
  readonly cutoff: number;
  readonly nS: number;
  /** `[K·nlat_out, nS]` row-major, float32. */
  readonly psi: Float32Array;
  /** `[nS·nlon_out]` int32 pixel indices into the flattened input grid. */
  readonly columns: Int32Array;
  readonly inSampling: GridSampling;
  readonly outSampling: GridSampling;
}

function kernelShapeOf(op: string, ks: number | [number, number] | undefined): [number, number] {
  const shape: [number, number] = ks === undefined ? [3, 1] : typeof ks === 'number' ? [ks, 1] : ks;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((v) => Number.isInteger(v) && v >= 1))
    argError(
      op,
      'kernelShape',
      'a positive integer or a pair [nr, nphi] of positive integers',
      JSON.stringify(ks),
    );
  return shape;
}

/** Basis function values ψ_k(r, α) for k = 0 … K−1 (writes into out). */
function piecewiseLinear(
  r: number,
  alpha: number,
  nr: number,
  nphi: number,
  cutoff: number,
  out: Float64Array,
): void {
  out.fill(0);
  const dr = cutoff / nr;
  for (let ir = 0; ir < nr; ir++) {
    const hr = 1 - Math.abs(r - ir * dr) / dr;
    if (hr <= 0) continue;
    if (ir === 0 || nphi === 1) {
      out[ir === 0 ? 0 : nphi === 1 ? ir : 0] = hr;
      continue;
    }
    const da = (2 * Math.PI) / nphi;
    for (let ip = 0; ip < nphi; ip++) {
      let d = Math.abs(alpha - ip * da) % (2 * Math.PI);
      if (d > Math.PI) d = 2 * Math.PI - d;
      const ha = 1 - d / da;
      if (ha > 0) out[1 + (ir - 1) * nphi + ip] = hr * ha;
    }
  }
}

/** Zernike modes (n, m), n = 0 … orders−1, m = −n, −n+2, …, n. */
function zernikeModes(orders: number): { n: number; m: number; coeffs: number[] }[] {
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const modes: { n: number; m: number; coeffs: number[] }[] = [];
  for (let n = 0; n < orders; n++)
    for (let m = -n; m <= n; m += 2) {
      const am = Math.abs(m);
      // R_n^|m|(ρ) = Σ_k (−1)^k (n−k)! / (k! ((n+|m|)/2−k)! ((n−|m|)/2−k)!) ρ^{n−2k}
      const coeffs: number[] = [];
      for (let k = 0; k <= (n - am) / 2; k++)
        coeffs.push(((-1) ** k * fact(n - k)) / (fact(k) * fact((n + am) / 2 - k) * fact((n - am) / 2 - k)));
      modes.push({ n, m, coeffs });
    }
  return modes;
}

function zernike(
  rho: number,
  alpha: number,
  modes: { n: number; m: number; coeffs: number[] }[],
  out: Float64Array,
): void {
  modes.forEach(({ n, m, coeffs }, i) => {
    let radial = 0;
    coeffs.forEach((c, k) => {
      radial += c * rho ** (n - 2 * k);
    });
    out[i] = m > 0 ? radial * Math.cos(m * alpha) : m < 0 ? radial * Math.sin(-m * alpha) : radial;
  });
}

/** Radial hats (as the piecewise-linear basis) × circular harmonics of orders 0 … nm−1; see `kernelShape`. */
function harmonic(r: number, alpha: number, nr: number, nm: number, cutoff: number, out: Float64Array): void {
  out.fill(0);
  const dr = cutoff / nr;
  const perHat = 2 * nm - 1;
  for (let ir = 0; ir < nr; ir++) {
    const hr = 1 - Math.abs(r - ir * dr) / dr;
    if (hr <= 0) continue;
    if (ir === 0) {
      out[0] = hr;
      continue;
    }
    // Hats beyond the centre vanish at r = 0, so the angular factors are continuous there.
    const base = 1 + (ir - 1) * perHat;
    out[base] = hr;
    for (let m = 1; m < nm; m++) {
      out[base + 2 * m - 1] = hr * Math.cos(m * alpha);
      out[base + 2 * m] = hr * Math.sin(m * alpha);
    }
  }
}

/** Morlet-style modes: Hann window × h_a(u) h_b(v), a < nu, b < nv; see `DiscoFilterOptions.basis`. */
function morlet(rho: number, alpha: number, nu: number, nv: number, out: Float64Array): void {
  const window = Math.cos((Math.PI * rho) / 2) ** 2;
  const u = rho * Math.cos(alpha);
  const v = rho * Math.sin(alpha);
  const h = (n: number, t: number): number =>
    n === 0 ? 1 : n % 2 === 1 ? Math.sin(Math.ceil(n / 2) * Math.PI * t) : Math.cos((n / 2) * Math.PI * t);
  for (let a = 0; a < nu; a++) for (let b = 0; b < nv; b++) out[a * nv + b] = window * h(a, u) * h(b, v);
}

interface BasisSpec {
  basis: DiscoBasis;
  nr: number;
  nphi: number;
  kernelSize: number;
  /** For 'harmonic': the index of the isotropic (m = 0) function each function belongs to. */
  hatOf: Int32Array;
  values: (r: number, alpha: number, cutoff: number, out: Float64Array) => void;
}

function basisSpec(op: string, options: DiscoFilterOptions): BasisSpec {
  const basis = options.basis ?? 'piecewise-linear';
  if (basis !== 'piecewise-linear' && basis !== 'zernike' && basis !== 'harmonic' && basis !== 'morlet')
    argError(op, 'basis', "'piecewise-linear', 'zernike', 'harmonic' or 'morlet'", String(options.basis));
  if (basis === 'morlet') {
    const ks = options.kernelShape ?? 3;
    const [nu, nv] = kernelShapeOf(op, typeof ks === 'number' ? [ks, ks] : ks);
    return {
      basis,
      nr: nu,
      nphi: nv,
      kernelSize: nu * nv,
      hatOf: new Int32Array(0),
      values: (r, alpha, cutoff, out) => morlet(r / cutoff, alpha, nu, nv, out),
    };
  }
  const [nr, nphi] = kernelShapeOf(op, options.kernelShape);
  if (basis === 'zernike') {
    if (nphi !== 1)
      argError(
        op,
        'kernelShape',
        'a number n (radial orders 0 … n−1) for the Zernike basis',
        JSON.stringify(options.kernelShape),
      );
    const modes = zernikeModes(nr);
    return {
      basis,
      nr,
      nphi,
      kernelSize: modes.length,
      hatOf: new Int32Array(0),
      values: (r, alpha, cutoff, out) => zernike(r / cutoff, alpha, modes, out),
    };
  }
  if (basis === 'harmonic') {
    const K = 1 + (nr - 1) * (2 * nphi - 1);
    const hatOf = new Int32Array(K);
    for (let k = 1; k < K; k++) hatOf[k] = 1 + Math.floor((k - 1) / (2 * nphi - 1)) * (2 * nphi - 1);
    return {
      basis,
      nr,
      nphi,
      kernelSize: K,
      hatOf,
      values: (r, a, c, out) => harmonic(r, a, nr, nphi, c, out),
    };
  }
  return {
    basis,
    nr,
    nphi,
    kernelSize: nphi === 1 ? nr : 1 + (nr - 1) * nphi,
    hatOf: new Int32Array(0),
    values: (r, alpha, cutoff, out) => piecewiseLinear(r, alpha, nr, nphi, cutoff, out),
  };
}

/**
 * The basis functions ψ_k(r, α), k = 0 … K−1, of a DISCO filter at geodesic distance r from the
 * disk's centre and bearing α ∈ [0, 2π) (α measured from the local meridian direction, as the filter
 * tensor uses it). `[K]` float64. For plotting and tests; `discoFilter` evaluates the same functions.
 */
export function evaluateDiscoBasis(
  options: Pick<DiscoFilterOptions, 'basis' | 'kernelShape'> & { cutoff: number },
  r: number,
  alpha: number,
): Float64Array {
  const spec = basisSpec('evaluateDiscoBasis', options);
  if (!(options.cutoff > 0 && options.cutoff <= Math.PI))
    argError('evaluateDiscoBasis', 'cutoff', 'a radius in (0, π]', String(options.cutoff));
  const out = new Float64Array(spec.kernelSize);
  if (r < options.cutoff) spec.values(r, alpha < 0 ? alpha + 2 * Math.PI : alpha, options.cutoff, out);
  return out;
}

export function discoFilter(
  inSampling: GridSampling,
  outSampling: GridSampling,
  options: DiscoFilterOptions = {},
): DiscoFilter {
  const op = 'discoFilter';
  if (inSampling.weights === null)
    argError(op, 'inSampling', 'a sampling with quadrature weights', `'${inSampling.kind}'`);
  if (outSampling.nlon > inSampling.nlon || inSampling.nlon % outSampling.nlon !== 0)
    argError(op, 'outSampling', `nlon dividing the input's ${inSampling.nlon}`, String(outSampling.nlon));
  const spec = basisSpec(op, options);
  const { basis, nr } = spec;
  const K = spec.kernelSize;
  const cutoff =
    options.cutoff ??
    (nr * Math.PI) / (outSampling.kind === 'equiangular' ? outSampling.nlat - 1 : outSampling.nlat);
  if (!(cutoff > 0 && cutoff <= Math.PI)) argError(op, 'cutoff', 'a radius in (0, π]', String(cutoff));
  const norm = options.normalization ?? 'mean';
  if (norm !== 'mean' && norm !== 'individual' && norm !== 'support' && norm !== 'none')
    argError(op, 'normalization', "'mean', 'individual', 'support' or 'none'", String(norm));
  const { nlat: nlatIn, nlon: nlonIn } = inSampling;
  const { nlat: nlatOut, nlon: nlonOut } = outSampling;
  const stride = nlonIn / nlonOut;
  const w = inSampling.weights;
  const vals = new Float64Array(K);
  // entries: (row k·nlatOut + t, input ring i, offset dj, value)
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const weightsOf: number[] = [];
  const colId = new Map<number, number>();
  const area = new Float64Array(nlatOut);
  for (let t = 0; t < nlatOut; t++) {
    const to = outSampling.theta[t]!;
    const [ct, st] = [Math.cos(to), Math.sin(to)];
    for (let i = 0; i < nlatIn; i++) {
      const ti = inSampling.theta[i]!;
      if (Math.abs(ti - to) >= cutoff) continue;
      const q = (w[i]! * 2 * Math.PI) / nlonIn;
      for (let dj = 0; dj < nlonIn; dj++) {
        const ph = (2 * Math.PI * dj) / nlonIn;
        const x = Math.sin(ti) * Math.cos(ph);
        const y = Math.sin(ti) * Math.sin(ph);
        const z = Math.cos(ti);
        // rotate by R_y(−θ_o): the output point goes to the north pole
        const xr = ct * x - st * z;
        const zr = st * x + ct * z;
        const r = Math.acos(Math.max(-1, Math.min(1, zr)));
        if (r >= cutoff) continue;
        const alpha = Math.atan2(y, xr);
        spec.values(r, alpha < 0 ? alpha + 2 * Math.PI : alpha, cutoff, vals);
        area[t]! += q;
        const key = i * nlonIn + dj;
        for (let k = 0; k < K; k++) {
          if (vals[k]! === 0) continue;
          let c = colId.get(key);
          if (c === undefined) {
            c = colId.size;
            colId.set(key, c);
          }
          rows.push(k * nlatOut + t);
          cols.push(c);
          values.push(vals[k]! * q);
          weightsOf.push(q);
        }
      }
    }
  }
  const nS = colId.size;
  const psi = new Float64Array(K * nlatOut * nS);
  for (let e = 0; e < values.length; e++) psi[rows[e]! * nS + cols[e]!]! += values[e]!;
  const rowScale = (row: number, scale: number): void => {
    if (scale > 0) for (let c = 0; c < nS; c++) psi[row * nS + c]! /= scale;
  };
  if (norm === 'individual') {
    for (let row = 0; row < K * nlatOut; row++) {
      let s = 0;
      for (let c = 0; c < nS; c++) s += Math.abs(psi[row * nS + c]!);
      rowScale(row, s);
    }
  } else if (norm === 'support') {
    const support = new Float64Array(K * nlatOut);
    for (let e = 0; e < values.length; e++) support[rows[e]!]! += weightsOf[e]!;
    for (let row = 0; row < K * nlatOut; row++) rowScale(row, support[row]!);
  } else if (norm === 'mean' && basis === 'harmonic') {
    // Scale every function by the quadrature sum of its isotropic hat at that latitude (computed
    // before any row is rescaled).
    const hatSum = new Float64Array(K * nlatOut);
    for (let row = 0; row < K * nlatOut; row++) {
      const k = Math.floor(row / nlatOut);
      if (k !== 0 && spec.hatOf[k] !== k) continue;
      for (let c = 0; c < nS; c++) hatSum[row]! += psi[row * nS + c]!;
    }
    for (let row = 0; row < K * nlatOut; row++) {
      const k = Math.floor(row / nlatOut);
      const t = row % nlatOut;
      rowScale(row, hatSum[(k === 0 ? 0 : spec.hatOf[k]!) * nlatOut + t]!);
    }
  } else if (norm === 'mean' && (basis === 'zernike' || basis === 'morlet')) {
    for (let row = 0; row < K * nlatOut; row++) {
      const a = area[row % nlatOut]!;
      if (a > 0) for (let c = 0; c < nS; c++) psi[row * nS + c]! /= a;
    }
  } else if (norm === 'mean') {
    for (let row = 0; row < K * nlatOut; row++) {
      let s = 0;
      for (let c = 0; c < nS; c++) s += psi[row * nS + c]!;
      if (s > 0) for (let c = 0; c < nS; c++) psi[row * nS + c]! /= s;
    }
  }
  const columns = new Int32Array(nS * nlonOut);
  for (const [key, c] of colId) {
    const i = Math.floor(key / nlonIn);
    const dj = key % nlonIn;
    for (let p = 0; p < nlonOut; p++) columns[c * nlonOut + p] = i * nlonIn + ((dj + p * stride) % nlonIn);
  }
  return { kernelSize: K, cutoff, nS, psi: Float32Array.from(psi), columns, inSampling, outSampling };
}

/**
 * The filter split by output ring: for ring t only the offset columns its disk touches, so the
 * contraction costs the true number of nonzeros (the dense matrix is mostly zeros on big grids,
 * where one gather of every column would not fit in memory).
 */
export interface DiscoRingBlock {
  /** `[K, n_t]` float32. */
  psi: Float32Array;
  /** `[n_t·nlon_out]` gather index into the flattened input grid. */
  columns: Int32Array;
  n: number;
}

export function discoRingBlocks(filter: DiscoFilter): DiscoRingBlock[] {
  const K = filter.kernelSize;
  const nlat = filter.outSampling.nlat;
  const nlon = filter.outSampling.nlon;
  const blocks: DiscoRingBlock[] = [];
  for (let t = 0; t < nlat; t++) {
    const used: number[] = [];
    for (let c = 0; c < filter.nS; c++) {
      let any = false;
      for (let k = 0; k < K && !any; k++) any = filter.psi[(k * nlat + t) * filter.nS + c] !== 0;
      if (any) used.push(c);
    }
    const n = used.length;
    const psi = new Float32Array(K * n);
    const columns = new Int32Array(n * nlon);
    used.forEach((c, j) => {
      for (let k = 0; k < K; k++) psi[k * n + j] = filter.psi[(k * nlat + t) * filter.nS + c]!;
      columns.set(filter.columns.subarray(c * nlon, (c + 1) * nlon), j * nlon);
    });
    blocks.push({ psi, columns, n });
  }
  return blocks;
}

export interface DiscoConvOptions extends DiscoFilterOptions {
  /**
   * 'dense' (one gather of all nS offset columns and one matmul; fastest on small grids) or
   * 'per-ring' (a gather and matmul per output ring over only the columns that ring's disk
   * touches: memory and work proportional to the nonzeros, for large grids). Default 'dense' when
   * nS·nlon_out ≤ 2²⁰, else 'per-ring'.
   */
  contraction?: 'dense' | 'per-ring';
  /** Output grid (default the input grid); its nlon must divide the input's. */
  outSampling?: GridSampling;
  bias?: boolean;
  seed?: number;
}

abstract class DiscoBase extends nn.Module {
  readonly filter: DiscoFilter;
  readonly kernelSize: number;
  weight: Tensor;
  bias: Tensor | null;
  protected readonly psiT: Tensor;
  protected readonly columnsT: Tensor;

  constructor(
    op: string,
    fine: GridSampling,
    coarse: GridSampling,
    readonly inChannels: number,
    readonly outChannels: number,
    options: DiscoConvOptions,
  ) {
    super();
    checkPositiveInt(op, 'inChannels', inChannels);
    checkPositiveInt(op, 'outChannels', outChannels);
    this.filter = discoFilter(fine, coarse, options);
    this.kernelSize = this.filter.kernelSize;
    const gen = options.seed === undefined ? {} : { generator: new Generator(options.seed) };
    this.weight = this.registerParameter(
      'weight',
      randn([outChannels, inChannels, this.kernelSize], gen).mul(
        Math.sqrt(2 / (inChannels * this.kernelSize)),
      ),
    );
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', zeros([outChannels])) : null;
    const { nlat: nlatOut } = coarse;
    this.psiT = tensor(this.filter.psi, [this.kernelSize * nlatOut, this.filter.nS]);
    this.columnsT = tensor(this.filter.columns, [this.filter.columns.length], 'int32');
  }

  protected checkInput(op: string, x: Tensor, s: GridSampling, channels: number): void {
    if (x.ndim !== 4 || x.shape[1] !== channels || x.shape[2] !== s.nlat || x.shape[3] !== s.nlon)
      argError(op, 'x', `shape [batch, ${channels}, ${s.nlat}, ${s.nlon}]`, fmtShape(x.shape));
  }
}

/**
 * DISCO convolution S² → S² (discrete-continuous: continuous filter, discrete quadrature). Gathers
 * the shifted input columns once, contracts them with the precomputed filter tensor in one
 * matmul, then mixes channels and basis functions with the weights in a second. Differentiable
 * through core's indexSelect and matmul. Equivariant to rotations about the z-axis by multiples of
 * the longitude step exactly; to other rotations up to the quadrature error, which shrinks as the
 * grid is refined (see README's table).
 *
 * Shapes: x `[batch, inChannels, nlat_in, nlon_in]` → `[batch, outChannels, nlat_out, nlon_out]`;
 * weight `[out, in, K]`.
 */
/** The default contraction: one gather of every offset column while that stays ≤ 2²⁰ values per channel. */
function chooseContraction(
  op: string,
  filter: DiscoFilter,
  nlonOut: number,
  asked?: string,
): 'dense' | 'per-ring' {
  const mode = asked ?? (filter.nS * nlonOut <= 1 << 20 ? 'dense' : 'per-ring');
  if (mode !== 'dense' && mode !== 'per-ring')
    argError(op, 'contraction', "'dense' or 'per-ring'", String(mode));
  return mode;
}

/** The per-ring filter blocks as tensors (`[K, n_t]` filter values, gather columns). */
function ringBlockTensors(filter: DiscoFilter): { psi: Tensor; columns: Tensor; n: number }[] {
  return discoRingBlocks(filter).map((blk) => ({
    psi: tensor(blk.psi, [filter.kernelSize, blk.n]),
    columns: tensor(blk.columns, [blk.columns.length], 'int32'),
    n: blk.n,
  }));
}

export class DiscoConvS2 extends DiscoBase {
  readonly outSampling: GridSampling;
  constructor(
    readonly inSampling: GridSampling,
    inChannels: number,
    outChannels: number,
    options: DiscoConvOptions = {},
  ) {
    const out = options.outSampling ?? inSampling;
    super('DiscoConvS2', inSampling, out, inChannels, outChannels, options);
    this.outSampling = out;
    this.contraction = chooseContraction('DiscoConvS2', this.filter, out.nlon, options.contraction);
    this.blocks = this.contraction === 'per-ring' ? ringBlockTensors(this.filter) : [];
  }

  readonly contraction: 'dense' | 'per-ring';
  private readonly blocks: { psi: Tensor; columns: Tensor; n: number }[];

  /** ψ-contraction: `[B·C, nlat_in·nlon_in]` → `[B·C, K, nlat_out, nlon_out]`. */
  private contract(flat: Tensor): Tensor {
    const { nlat, nlon } = this.outSampling;
    const bc = flat.shape[0]!;
    if (this.contraction === 'dense') {
      const gathered = flat.indexSelect(1, this.columnsT).reshape([bc, this.filter.nS, nlon]);
      return this.psiT.matmul(gathered).reshape([bc, this.kernelSize, nlat, nlon]);
    }
    // [B·C, K, nlon] per ring, stacked along a new ring axis
    const rings = this.blocks.map((blk) =>
      blk.psi.matmul(flat.indexSelect(1, blk.columns).reshape([bc, blk.n, nlon])),
    );
    return stack(rings, 2);
  }

  forward(x: Tensor): Tensor {
    this.checkInput('DiscoConvS2', x, this.inSampling, this.inChannels);
    const [b, c] = x.shape as [number, number];
    const { nlat: nlatIn, nlon: nlonIn } = this.inSampling;
    const { nlat, nlon } = this.outSampling;
    const K = this.kernelSize;
    const y = this.contract(x.reshape([b * c, nlatIn * nlonIn])); // [B·C, K, nlat, nlon]
    const mixed = this.weight.reshape([this.outChannels, c * K]).matmul(y.reshape([b, c * K, nlat * nlon]));
    let out = mixed.reshape([b, this.outChannels, nlat, nlon]);
    if (this.bias) out = out.add(this.bias.reshape([1, this.outChannels, 1, 1]));
    return out;
  }
}

/**
 * The transpose of a DISCO convolution (upsampling S² → S²): the adjoint of `DiscoConvS2` from
 * `outSampling` (fine) to `inSampling` (coarse), computed with a matmul by ψᵀ and a scatter-add
 * (core's indexAdd). Shapes: `[batch, in, nlat_c, nlon_c]` → `[batch, out, nlat_f, nlon_f]`.
 * `contraction` as for `DiscoConvS2`: 'per-ring' multiplies each coarse ring only by the filter
 * columns its disk touches, so memory and work follow the nonzeros on large grids.
 */
export class DiscoConvTransposeS2 extends DiscoBase {
  readonly contraction: 'dense' | 'per-ring';
  private readonly blocks: { psi: Tensor; columns: Tensor; n: number }[];
  private readonly ringColumns: Tensor | null;

  constructor(
    readonly inSampling: GridSampling,
    readonly outSampling: GridSampling,
    inChannels: number,
    outChannels: number,
    options: DiscoFilterOptions & { bias?: boolean; seed?: number; contraction?: 'dense' | 'per-ring' } = {},
  ) {
    super('DiscoConvTransposeS2', outSampling, inSampling, inChannels, outChannels, options);
    this.contraction = chooseContraction(
      'DiscoConvTransposeS2',
      this.filter,
      inSampling.nlon,
      options.contraction,
    );
    this.blocks = this.contraction === 'per-ring' ? ringBlockTensors(this.filter) : [];
    this.ringColumns =
      this.contraction === 'per-ring'
        ? concat(
            this.blocks.map((blk) => blk.columns),
            0,
          )
        : null;
  }

  /** ψᵀ-spread: `[B·O, K, nlat_c, nlon_c]` → `[B·O, nFine]` (scatter-added over the fine grid). */
  private spread(u: Tensor): Tensor {
    const [bo, K, nlat, nlon] = u.shape as [number, number, number, number];
    const nFine = this.outSampling.nlat * this.outSampling.nlon;
    if (this.contraction === 'dense') {
      const spread = this.psiT.transpose(0, 1).matmul(u.reshape([bo, K * nlat, nlon])); // [B·O, nS, nlon]
      return indexAdd(spread.reshape([bo, this.filter.nS * nlon]), 1, this.columnsT, nFine);
    }
    // Ring t: [n_t, K] · [B·O, K, nlon] → [B·O, n_t, nlon]; all rings go in one scatter-add.
    const parts = this.blocks.map((blk, t) =>
      blk.psi
        .transpose(0, 1)
        .matmul(u.narrow(2, t, 1).reshape([bo, K, nlon]))
        .reshape([bo, blk.n * nlon]),
    );
    return indexAdd(concat(parts, 1), 1, this.ringColumns!, nFine);
  }

  forward(x: Tensor): Tensor {
    this.checkInput('DiscoConvTransposeS2', x, this.inSampling, this.inChannels);
    const [b, c] = x.shape as [number, number];
    const { nlat, nlon } = this.inSampling;
    const K = this.kernelSize;
    const o = this.outChannels;
    const u = this.weight
      .permute([0, 2, 1])
      .reshape([o * K, c])
      .matmul(x.reshape([b, c, nlat * nlon])); // [B, O·K, nlat·nlon]
    const out = this.spread(u.reshape([b * o, K, nlat, nlon]));
    let y = out.reshape([b, o, this.outSampling.nlat, this.outSampling.nlon]);
    if (this.bias) y = y.add(this.bias.reshape([1, o, 1, 1]));
    return y;
  }
}
