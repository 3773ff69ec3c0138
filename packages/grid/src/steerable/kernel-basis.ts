import { argError, checkPositiveInt } from '../errors.js';
import type { PlanarGroup } from '../groups/planar-group.js';
import type { Representation } from '../groups/representation.js';

/**
 * Radial and angular parameters of a steerable kernel basis: Gaussian rings exp(−(|x| − rᵢ)²/2σᵢ²)
 * times circular harmonics cos(tφ), sin(tφ) up to a maximum frequency per ring.
 */
export interface KernelBasisParams {
  /** Ring radii in pixels. */
  rings: number[];
  /** One Gaussian width per ring. */
  sigma: number[];
  /** The largest harmonic frequency on each ring (0 on the centre ring: φ is undefined there). */
  maxFrequency: number[];
}

export interface KernelBasisOptions {
  rings?: number[];
  sigma?: number | number[];
  /** A maximum frequency for every ring but the centre one, one per ring, or a function of the radius. */
  maxFrequency?: number | number[] | ((radius: number) => number);
}

/**
 * escnn's defaults for a k×k filter (k odd): rings at 0, 1, …, (k−1)/2; σ = 0.6, 0.4 on the outer
 * ring and 0.005 (a point) at the centre; maximum frequency 0 at the centre, 2 on the outer ring and
 * min(2r, 2r − (r+1) mod 2) on ring r in between (its "fco1" rule: more harmonics on larger rings,
 * fewer than the ring's pixels can carry).
 */
export function defaultBasisParams(kernelSize: number, opts: KernelBasisOptions = {}): KernelBasisParams {
  const op = 'kernelBasis';
  checkPositiveInt(op, 'kernelSize', kernelSize);
  const maxRadius = (kernelSize - 1) / 2;
  const rings = opts.rings ?? Array.from({ length: Math.ceil(kernelSize / 2) }, (_, i) => i);
  rings.forEach((r) => {
    if (!(r >= 0 && r <= maxRadius * Math.SQRT2))
      argError(
        op,
        'rings',
        `radii in [0, ${(maxRadius * Math.SQRT2).toFixed(2)}] for a ${kernelSize}×${kernelSize} filter`,
        String(r),
      );
  });
  let sigma: number[];
  if (opts.sigma === undefined) {
    sigma = rings.map((r, i) => (r === 0 ? 0.005 : i === rings.length - 1 ? 0.4 : 0.6));
  } else if (typeof opts.sigma === 'number') {
    sigma = rings.map(() => opts.sigma as number);
  } else {
    sigma = [...opts.sigma];
    if (sigma.length !== rings.length)
      argError(op, 'sigma', `${rings.length} widths (one per ring)`, `${sigma.length}`);
  }
  sigma.forEach((s) => {
    if (!(s > 0)) argError(op, 'sigma', 'positive widths', String(s));
  });
  const fco1 = (r: number) => (r === 0 ? 0 : Math.min(2 * r, r === maxRadius ? 2 : 2 * r - ((r + 1) % 2)));
  const mf = opts.maxFrequency;
  const maxFrequency = rings.map((r, i) => {
    if (r === 0) return 0;
    const t = mf === undefined ? fco1(r) : typeof mf === 'number' ? mf : Array.isArray(mf) ? mf[i]! : mf(r);
    if (!Number.isInteger(t) || t < 0) argError(op, 'maxFrequency', 'non-negative integers', String(t));
    return t;
  });
  if (Array.isArray(mf) && mf.length !== rings.length)
    argError(op, 'maxFrequency', `${rings.length} values (one per ring)`, `${mf.length}`);
  return { rings, sigma, maxFrequency };
}

/** Angle φ of the plane point (u, v) = (row, column) offset: u = r cos φ, v = r sin φ (R(θ) adds θ). */
function polarAngle(u: number, v: number): number {
  return Math.atan2(v, u);
}

/**
 * How g⁻¹ acts on the harmonics: f(φ) ↦ f(angle of g⁻¹x). A rotation by α sends φ to φ + α; a
 * mirror with matrix [[cos β, sin β], [sin β, −cos β]] sends φ to β − φ. Returns the matrix H with
 * c' = H c on coefficients (1; cos tφ, sin tφ for t = 1 … T), size 2T + 1.
 */
function harmonicAction(group: PlanarGroup, g: number, maxT: number): Float64Array {
  const [a, b, c, d] = group.planeMatrix(group.inverse(g));
  const size = 2 * maxT + 1;
  const h = new Float64Array(size * size);
  h[0] = 1;
  const reflection = a * d - b * c < 0;
  const angle = Math.atan2(c, a);
  for (let t = 1; t <= maxT; t++) {
    const ct = Math.cos(t * angle);
    const st = Math.sin(t * angle);
    const i = 2 * t - 1; // cos coefficient index; i + 1: sin
    if (!reflection) {
      // a cos + b sin at φ + α: (a cos tα + b sin tα) cos tφ + (−a sin tα + b cos tα) sin tφ
      h[i * size + i] = ct;
      h[i * size + i + 1] = st;
      h[(i + 1) * size + i] = -st;
      h[(i + 1) * size + i + 1] = ct;
    } else {
      // at β − φ: (a cos tβ + b sin tβ) cos tφ + (a sin tβ − b cos tβ) sin tφ
      h[i * size + i] = ct;
      h[i * size + i + 1] = st;
      h[(i + 1) * size + i] = st;
      h[(i + 1) * size + i + 1] = -ct;
    }
  }
  return h;
}

/**
 * An orthonormal basis of the fixed space of the projector P = (1/|G|) Σ_g A(g), A(g) = ρ_out(g) ⊗
 * ρ_in(g) ⊗ H(g) acting on coefficient tensors c[o, i, h]: the equivariant kernels on one ring.
 * Returns the basis vectors (each of length dOut·dIn·(2T+1)): Gram–Schmidt on P's columns (twice, for
 * stability) until the rank, the trace of P, is reached.
 */
function fixedSpace(inRep: Representation, outRep: Representation, maxT: number): Float64Array[] {
  const group = inRep.group;
  const dIn = inRep.size;
  const dOut = outRep.size;
  const nh = 2 * maxT + 1;
  const dim = dOut * dIn * nh;
  const p = new Float64Array(dim * dim);
  // Representation matrices are sparse (permutations, 2×2 blocks): iterate over their non-zeros only.
  const nonZeros = (m: Float64Array, d: number) => {
    const out: [number, number, number][] = [];
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) if (m[r * d + c] !== 0) out.push([r, c, m[r * d + c]!]);
    return out;
  };
  for (const g of group.elements()) {
    const ro = nonZeros(outRep.matrix(g), dOut);
    const ri = nonZeros(inRep.matrix(g), dIn);
    const h = nonZeros(harmonicAction(group, g, maxT), nh);
    for (const [o, o2, a] of ro)
      for (const [i, i2, b] of ri) {
        const row = (o * dIn + i) * nh * dim;
        const col = (o2 * dIn + i2) * nh;
        const ab = (a * b) / group.order;
        for (const [x, x2, v] of h) p[row + x * dim + col + x2] += ab * v;
      }
  }
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += p[i * dim + i]!;
  const rank = Math.round(trace);
  // P is symmetric and sparse, so column j is row j: test each against the basis with sparse dot
  // products (residual² = P_jj − Σ (b·Pe_j)², the columns lying in P's range), and only orthogonalise
  // densely the `rank` columns that are kept.
  const basis: Float64Array[] = [];
  for (let col = 0; col < dim && basis.length < rank; col++) {
    const diag = p[col * dim + col]!;
    if (diag < 1e-10) continue;
    const rows: number[] = [];
    for (let r = 0; r < dim; r++) if (p[col * dim + r] !== 0) rows.push(r);
    let residual = diag;
    for (const b of basis) {
      let dot = 0;
      for (const r of rows) dot += b[r]! * p[col * dim + r]!;
      residual -= dot * dot;
    }
    if (residual < 1e-10) continue;
    const v = p.slice(col * dim, (col + 1) * dim);
    for (let pass = 0; pass < 2; pass++)
      for (const b of basis) {
        let dot = 0;
        for (let r = 0; r < dim; r++) dot += b[r]! * v[r]!;
        for (let r = 0; r < dim; r++) v[r] = v[r]! - dot * b[r]!;
      }
    let norm = 0;
    for (let r = 0; r < dim; r++) norm += v[r]! * v[r]!;
    norm = Math.sqrt(norm);
    for (let r = 0; r < dim; r++) v[r] = v[r]! / norm;
    basis.push(v);
  }
  return basis;
}

/** One element of a steerable kernel basis: a ring and a coefficient tensor c[o, i, h] over the harmonics. */
export interface BasisElement {
  ring: number;
  radius: number;
  maxFrequency: number;
  coefficients: Float64Array;
}

/**
 * The basis of G-steerable kernels κ: ℝ² → ℝ^{dOut×dIn} with κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹ for all g
 * (Weiler & Cesa 2019), built from Gaussian rings × circular harmonics: on each ring, the harmonics up
 * to that ring's maximum frequency span a space on which G acts (a rotation turns frequency t by tα, a
 * mirror reflects it), and the equivariant kernels are the fixed space of the group average of that
 * action tensored with ρ_out and ρ_in. For C_N this includes the aliased frequencies t ≡ ±(m ± n) mod N
 * automatically. Sampled on the k×k grid each element is scaled to unit Frobenius norm; elements that
 * vanish on the grid (a harmonic the ring's pixels cannot carry) are dropped.
 */
export class KernelBasis {
  readonly inRep: Representation;
  readonly outRep: Representation;
  readonly kernelSize: number;
  readonly params: KernelBasisParams;
  readonly elements: BasisElement[];
  /** Sampled basis, row-major [size, dOut, dIn, k, k]. */
  readonly samples: Float64Array;
  /** Per element: the factor that made its samples unit-norm (also applied by `evaluate`). */
  private readonly scales: Float64Array;

  constructor(
    inRep: Representation,
    outRep: Representation,
    kernelSize: number,
    opts: KernelBasisOptions = {},
  ) {
    if (!inRep.group.equals(outRep.group))
      argError(
        'kernelBasis',
        'outRep',
        `a representation of ${inRep.group.name}`,
        `one of ${outRep.group.name}`,
      );
    this.inRep = inRep;
    this.outRep = outRep;
    this.kernelSize = kernelSize;
    this.params = defaultBasisParams(kernelSize, opts);
    const candidates: BasisElement[] = [];
    const spaces = new Map<number, Float64Array[]>();
    this.params.rings.forEach((radius, ring) => {
      const t = this.params.maxFrequency[ring]!;
      if (!spaces.has(t)) spaces.set(t, fixedSpace(inRep, outRep, t));
      for (const coefficients of spaces.get(t)!)
        candidates.push({ ring, radius, maxFrequency: t, coefficients });
    });
    const per = outRep.size * inRep.size * kernelSize * kernelSize;
    const kept: BasisElement[] = [];
    const sampled: Float64Array[] = [];
    const scales: number[] = [];
    const c = (kernelSize - 1) / 2;
    for (const e of candidates) {
      const s = new Float64Array(per);
      for (let y = 0; y < kernelSize; y++)
        for (let x = 0; x < kernelSize; x++) {
          const values = this.rawValue(e, y - c, x - c);
          for (let k = 0; k < outRep.size * inRep.size; k++)
            s[k * kernelSize * kernelSize + y * kernelSize + x] = values[k]!;
        }
      let norm = 0;
      for (let i = 0; i < per; i++) norm += s[i]! * s[i]!;
      norm = Math.sqrt(norm);
      if (norm < 1e-8) continue;
      for (let i = 0; i < per; i++) s[i] = s[i]! / norm;
      kept.push(e);
      sampled.push(s);
      scales.push(1 / norm);
    }
    this.elements = kept;
    this.scales = Float64Array.from(scales);
    this.samples = new Float64Array(kept.length * per);
    sampled.forEach((s, i) => {
      this.samples.set(s, i * per);
    });
  }

  /** The number of basis elements. */
  get size(): number {
    return this.elements.length;
  }

  /** κ_e(u, v) before normalisation: Gaussian ring × Σ_h c[o, i, h] harmonic_h(φ), as [dOut·dIn]. */
  private rawValue(e: BasisElement, u: number, v: number): Float64Array {
    const r = Math.hypot(u, v);
    const sigma = this.params.sigma[e.ring]!;
    const radial = Math.exp(-((r - e.radius) ** 2) / (2 * sigma * sigma));
    const phi = polarAngle(u, v);
    const nh = 2 * e.maxFrequency + 1;
    const harmonics = new Float64Array(nh);
    harmonics[0] = 1;
    // At the origin φ is undefined: only the constant harmonic survives there (continuity).
    if (r > 1e-12)
      for (let t = 1; t <= e.maxFrequency; t++) {
        harmonics[2 * t - 1] = Math.cos(t * phi);
        harmonics[2 * t] = Math.sin(t * phi);
      }
    const pairs = this.outRep.size * this.inRep.size;
    const out = new Float64Array(pairs);
    for (let k = 0; k < pairs; k++) {
      let s = 0;
      for (let h = 0; h < nh; h++) s += e.coefficients[k * nh + h]! * harmonics[h]!;
      out[k] = radial * s;
    }
    return out;
  }

  /**
   * The continuous basis kernels at a plane point (u, v) (row, column offsets, any real values),
   * scaled as the samples: [size][dOut·dIn], row-major dOut×dIn per element.
   */
  evaluate(u: number, v: number): Float64Array[] {
    return this.elements.map((e, i) => {
      const raw = this.rawValue(e, u, v);
      for (let k = 0; k < raw.length; k++) raw[k] = raw[k]! * this.scales[i]!;
      return raw;
    });
  }

  /**
   * The dimension the character formula predicts before sampling: Σ over rings of
   * (1/|G|) Σ_g χ_out(g) χ_in(g) χ_H(g), with χ_H(rotation by α) = 1 + 2 Σ_t cos(tα) and χ_H(mirror) = 1.
   * Equal to `size` unless some element vanished on the grid.
   */
  expectedDimension(): number {
    const group = this.inRep.group;
    let total = 0;
    for (const t of this.params.maxFrequency) {
      let s = 0;
      for (const g of group.elements()) {
        const { flip } = group.element(g);
        let chiH = 1;
        if (!flip) for (let k = 1; k <= t; k++) chiH += 2 * Math.cos(k * group.angle(g));
        s += this.outRep.character(g) * this.inRep.character(g) * chiH;
      }
      total += Math.round(s / group.order);
    }
    return total;
  }
}

const cache = new Map<string, KernelBasis>();

/** The steerable kernel basis for ρ_in → ρ_out (cached by group, representations, size and parameters). */
export function kernelBasis(
  inRep: Representation,
  outRep: Representation,
  kernelSize: number,
  opts: KernelBasisOptions = {},
): KernelBasis {
  const params = defaultBasisParams(kernelSize, opts);
  const key = `${inRep}|${outRep}|${kernelSize}|${JSON.stringify(params)}`;
  let basis = cache.get(key);
  if (!basis) {
    basis = new KernelBasis(inRep, outRep, kernelSize, params);
    cache.set(key, basis);
  }
  return basis;
}
