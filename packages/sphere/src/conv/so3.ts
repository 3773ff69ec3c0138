import {
  argError,
  checkPositiveInt,
  fmtShape,
  Generator,
  nn,
  randn,
  type Tensor,
  tensor,
} from '@erlangen/core';
import { legendreColumn, sectoralLogSeeds } from '../harmonics/legendre.js';
import { wignerDPlanes } from '../rotation/wigner.js';
import { type GridSampling, gaussLegendreNodes } from '../sampling/grid.js';
import { RealSHT } from '../sht/real-sht.js';

/**
 * The SO(3) grid and Fourier transform of band limit b (degrees l < b) used by the S² → SO(3) and
 * SO(3) → SO(3) convolutions (Cohen et al. 2018). Samples: α_a = 2πa/n, γ_c = 2πc/n (n = 2b) and
 * β_k = arccos of the b Gauss–Legendre nodes (products d^l_{mn} d^{l'}_{mn} are polynomials of
 * degree ≤ 2b − 2 in cos β, so the quadrature is exact). Signals are `[..., nβ, nα, nγ]`.
 *
 * Coefficients: f(R) = Σ_l Σ_{m,n} F^l_{mn} D^l_{mn}(R), D^l_{mn}(α, β, γ) = e^{−imα} d^l_{mn}(β) e^{−inγ},
 * stored as real and imaginary tensors `[..., b, 2b−1, 2b−1]` (index [l, m + b − 1, n + b − 1],
 * zero where |m| or |n| > l).
 */
export class SO3FFT {
  readonly b: number;
  readonly nBeta: number;
  readonly nAlpha: number;
  readonly beta: Float64Array;
  /** β-weights × (2π/n)² (∫_{SO(3)} f dR ≈ Σ w_k Σ_{a,c} f), `[nβ]`. */
  readonly weights: Float64Array;
  private readonly dInv: Tensor; // [M·N, b(l), nβ]
  private readonly dFwd: Tensor; // [M·N, nβ, b(l)]
  // Separable DFT tables: cos/sin(m·2πj/n) as [M, n] (order → angle) and [n, M] (angle → order).
  private readonly cosMA: Tensor;
  private readonly sinMA: Tensor;
  private readonly cosAM: Tensor;
  private readonly sinAM: Tensor;

  constructor(bandLimit: number) {
    this.b = checkPositiveInt('SO3FFT', 'bandLimit', bandLimit);
    const b = bandLimit;
    const M = 2 * b - 1;
    const n = 2 * b;
    this.nBeta = b;
    this.nAlpha = n;
    const { x, w } = gaussLegendreNodes(b);
    this.beta = x.map((v) => Math.acos(v));
    const step = (2 * Math.PI) / n;
    this.weights = w.map((v) => v * step * step);
    const dInv = new Float32Array(M * M * b * b);
    const dFwd = new Float32Array(M * M * b * b);
    for (let k = 0; k < b; k++) {
      let l = 0;
      for (const d of wignerDPlanes(b, this.beta[k]!)) {
        const dim = 2 * l + 1;
        const fwdScale = ((2 * l + 1) / (8 * Math.PI * Math.PI)) * this.weights[k]!;
        for (let m = -l; m <= l; m++)
          for (let nn2 = -l; nn2 <= l; nn2++) {
            const mn = (m + b - 1) * M + (nn2 + b - 1);
            const v = d[(m + l) * dim + (nn2 + l)]!;
            dInv[(mn * b + l) * b + k] = v;
            dFwd[(mn * b + k) * b + l] = v * fwdScale;
          }
        l++;
      }
    }
    this.dInv = tensor(dInv, [M * M, b, b]);
    this.dFwd = tensor(dFwd, [M * M, b, b]);
    const cosMA = new Float32Array(M * n);
    const sinMA = new Float32Array(M * n);
    for (let m = -(b - 1); m < b; m++)
      for (let a = 0; a < n; a++) {
        const ang = step * (((m * a) % n) + n);
        cosMA[(m + b - 1) * n + a] = Math.cos(ang);
        sinMA[(m + b - 1) * n + a] = Math.sin(ang);
      }
    this.cosMA = tensor(cosMA, [M, n]);
    this.sinMA = tensor(sinMA, [M, n]);
    this.cosAM = this.cosMA.transpose(0, 1).clone();
    this.sinAM = this.sinMA.transpose(0, 1).clone();
  }

  private checkCoeffs(op: string, t: Tensor): void {
    const b = this.b;
    const M = 2 * b - 1;
    if (t.ndim < 3 || t.shape[t.ndim - 3] !== b || t.shape[t.ndim - 2] !== M || t.shape[t.ndim - 1] !== M)
      argError(op, 'coefficients', `shape [..., ${b}, ${M}, ${M}]`, fmtShape(t.shape));
  }

  /** Synthesis: (re, im) `[..., b, 2b−1, 2b−1]` → real signal `[..., nβ, nα, nγ]` (the real part). */
  inverse(re: Tensor, im: Tensor): Tensor {
    this.checkCoeffs('SO3FFT.inverse', re);
    this.checkCoeffs('SO3FFT.inverse', im);
    const b = this.b;
    const M = 2 * b - 1;
    const lead = re.shape.slice(0, -3);
    const B = lead.reduce((s, d) => s * d, 1);
    // G_mn(k) = Σ_l F^l_mn d^l_mn(β_k): batched over (m, n)
    const toMN = (t: Tensor) => t.reshape([B, b, M * M]).permute([2, 0, 1]); // [MN, B, b]
    const gr = toMN(re).matmul(this.dInv); // [MN, B, nβ]
    const gi = toMN(im).matmul(this.dInv);
    // f = Re Σ_mn G e^{−i(mα+nγ)}, separably: over n first (T = G e^{−inγ}), then over m.
    const n = this.nAlpha;
    const fromMN = (t: Tensor) => t.permute([1, 2, 0]).reshape([B * b * M, M]); // [(B, k, m), n]
    const grf = fromMN(gr);
    const gif = fromMN(gi);
    const tr = grf
      .matmul(this.cosMA)
      .add(gif.matmul(this.sinMA))
      .reshape([B * b, M, n]);
    const ti = gif
      .matmul(this.cosMA)
      .sub(grf.matmul(this.sinMA))
      .reshape([B * b, M, n]);
    const f = this.cosAM.matmul(tr).add(this.sinAM.matmul(ti)); // [(B, k), α, γ]
    return f.reshape([...lead, b, this.nAlpha, this.nAlpha]);
  }

  /** Analysis: real signal `[..., nβ, nα, nγ]` → (re, im) `[..., b, 2b−1, 2b−1]`, exact on band-limited signals. */
  forward(x: Tensor): { re: Tensor; im: Tensor } {
    const b = this.b;
    const n = this.nAlpha;
    const M = 2 * b - 1;
    if (x.ndim < 3 || x.shape[x.ndim - 3] !== b || x.shape[x.ndim - 2] !== n || x.shape[x.ndim - 1] !== n)
      argError('SO3FFT.forward', 'x', `shape [..., ${b}, ${n}, ${n}] (β, α, γ)`, fmtShape(x.shape));
    const lead = x.shape.slice(0, -3);
    const B = lead.reduce((s, d) => s * d, 1);
    // H_mn(k) = Σ_{a,c} f e^{+i(mα+nγ)}, separably: U = Σ_c f e^{inγ}, then H = Σ_a U e^{imα}.
    const flat = x.reshape([B * b * n, n]);
    const ur = flat.matmul(this.cosAM).reshape([B * b, n, M]); // [(B, k), α, n-order]
    const ui = flat.matmul(this.sinAM).reshape([B * b, n, M]);
    const hr = this.cosMA
      .matmul(ur)
      .sub(this.sinMA.matmul(ui))
      .reshape([B * b, M * M]);
    const hi = this.sinMA
      .matmul(ur)
      .add(this.cosMA.matmul(ui))
      .reshape([B * b, M * M]);
    const toMN = (t: Tensor) => t.reshape([B, b, M * M]).permute([2, 0, 1]); // [MN, B, nβ]
    const back = (t: Tensor) => t.permute([1, 2, 0]).reshape([...lead, b, M, M]);
    return { re: back(toMN(hr).matmul(this.dFwd)), im: back(toMN(hi).matmul(this.dFwd)) };
  }

  /** Haar integral ∫_{SO(3)} f dR / 8π² (a rotation-invariant pooling): `[..., nβ, nα, nγ]` → `[...]`. */
  mean(x: Tensor): Tensor {
    const w = tensor(
      Float32Array.from(this.weights, (v) => v / (8 * Math.PI * Math.PI)),
      [this.nBeta],
    );
    return x.sum([-1, -2]).mul(w).sum(-1);
  }
}

/** Complex products (ar + i ai)(br + i bi) of matmuls: returns [re, im]. */
function complexMatmul(ar: Tensor, ai: Tensor, br: Tensor, bi: Tensor): [Tensor, Tensor] {
  return [ar.matmul(br).sub(ai.matmul(bi)), ar.matmul(bi).add(ai.matmul(br))];
}

export interface S2ConvOptions {
  /** Support of the localized filter: points at colatitudes maxBeta·(j+1)/nBeta, nAlpha longitudes, plus the pole. */
  maxBeta?: number;
  nBeta?: number;
  nAlpha?: number;
  seed?: number;
}

/**
 * S² → SO(3) convolution (Cohen et al. 2018): h_o(R) = Σ_i ∫ f_i(x) ψ_{oi}(R⁻¹x) dx with a
 * learnable filter given by weights at a few points near the north pole (s2cnn's near-identity
 * grid), band-limited to b. In harmonic space H^l_{o,mn} = Σ_i conj(f_{i,lm}) ψ_{oi,ln}.
 * Exactly equivariant: rotating the input by Q turns the output into h(Q⁻¹R).
 * Shapes: x `[batch, in, nlat, nlon]` (a grid carrying band limit b) → `[batch, out, nβ, nα, nγ]`.
 */
export class S2ToSO3Conv extends nn.Module {
  readonly so3: SO3FFT;
  readonly sht: RealSHT;
  weight: Tensor;
  private readonly yRe: Tensor; // [P, b·M]: conj(Y_ln(x_p)) real part
  private readonly yIm: Tensor;
  private readonly toComplexRe: Tensor; // [b(m ≥ 0), M]
  private readonly toComplexIm: Tensor;

  constructor(
    readonly sampling: GridSampling,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly bandLimit: number,
    options: S2ConvOptions = {},
  ) {
    super();
    checkPositiveInt('S2ToSO3Conv', 'inChannels', inChannels);
    checkPositiveInt('S2ToSO3Conv', 'outChannels', outChannels);
    const b = bandLimit;
    this.sht = new RealSHT(sampling, b);
    this.so3 = new SO3FFT(b);
    const M = 2 * b - 1;
    const maxBeta = options.maxBeta ?? Math.PI / 8;
    const nb = options.nBeta ?? 2;
    const na = options.nAlpha ?? 6;
    const pts: [number, number][] = [[0, 0]];
    for (let j = 0; j < nb; j++)
      for (let a = 0; a < na; a++) pts.push([(maxBeta * (j + 1)) / nb, (2 * Math.PI * a) / na]);
    const P = pts.length;
    const yRe = new Float32Array(P * b * M);
    const yIm = new Float32Array(P * b * M);
    const seeds = sectoralLogSeeds(b);
    const col = new Float64Array(b);
    pts.forEach(([theta, phi], p) => {
      for (let m = 0; m < b; m++) {
        legendreColumn(m, b - 1, theta, seeds, col);
        for (let l = m; l < b; l++) {
          const v = col[l - m]!;
          // Y_{l,m} = P̄ e^{imφ}; Y_{l,−m} = (−1)^m conj(Y_{l,m}); store conj(Y)
          const c = Math.cos(m * phi);
          const s = Math.sin(m * phi);
          yRe[p * b * M + l * M + (m + b - 1)] = v * c;
          yIm[p * b * M + l * M + (m + b - 1)] = -v * s;
          if (m > 0) {
            const sg = m % 2 === 0 ? 1 : -1;
            yRe[p * b * M + l * M + (-m + b - 1)] = sg * v * c;
            yIm[p * b * M + l * M + (-m + b - 1)] = sg * v * s;
          }
        }
      }
    });
    this.yRe = tensor(yRe, [P, b * M]);
    this.yIm = tensor(yIm, [P, b * M]);
    // real coefficients (cos part A, sin part S, m ≥ 0) → complex f_lm, m = −(b−1) … b−1
    const cr = new Float32Array(b * M);
    const ci = new Float32Array(b * M);
    for (let m = 0; m < b; m++) {
      if (m === 0) {
        cr[b - 1] = 1;
        continue;
      }
      const sg = m % 2 === 0 ? 1 : -1;
      cr[m * M + (m + b - 1)] = Math.SQRT1_2;
      cr[m * M + (-m + b - 1)] = sg * Math.SQRT1_2;
      ci[m * M + (m + b - 1)] = -Math.SQRT1_2;
      ci[m * M + (-m + b - 1)] = sg * Math.SQRT1_2;
    }
    this.toComplexRe = tensor(cr, [b, M]);
    this.toComplexIm = tensor(ci, [b, M]);
    const gen = options.seed === undefined ? {} : { generator: new Generator(options.seed) };
    this.weight = this.registerParameter(
      'weight',
      randn([outChannels, inChannels, P], gen).mul(1 / Math.sqrt(inChannels * P)),
    );
  }

  forward(x: Tensor): Tensor {
    const { nlat, nlon } = this.sampling;
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2] !== nlat || x.shape[3] !== nlon)
      argError('S2ToSO3Conv', 'x', `shape [batch, ${this.inChannels}, ${nlat}, ${nlon}]`, fmtShape(x.shape));
    const B = x.shape[0]!;
    const b = this.bandLimit;
    const M = 2 * b - 1;
    const I = this.inChannels;
    const O = this.outChannels;
    const c = this.sht.forward(x); // [B, I, 2, b, b]
    const fr = c.select(0, 2).matmul(this.toComplexRe); // [B, I, b(l), M]
    const fi = c.select(1, 2).matmul(this.toComplexIm);
    // filter ψ_{oi,ln} = Σ_p w conj(Y)… : weight [O·I, P] @ [P, b·M]
    const w = this.weight.reshape([O * I, -1]);
    const pr = w
      .matmul(this.yRe)
      .reshape([O, I, b, M])
      .permute([2, 1, 0, 3])
      .reshape([b, I, O * M]);
    const pi = w
      .matmul(this.yIm)
      .reshape([O, I, b, M])
      .permute([2, 1, 0, 3])
      .reshape([b, I, O * M]);
    // conj(f): [b, B·M, I]
    const toL = (t: Tensor) => t.permute([2, 0, 3, 1]).reshape([b, B * M, I]);
    const [hr, hi] = complexMatmul(toL(fr), toL(fi).neg(), pr, pi); // [b, B·M(m), O·M(n)]
    const arrange = (t: Tensor) => t.reshape([b, B, M, O, M]).permute([1, 3, 0, 2, 4]);
    return this.so3.inverse(arrange(hr), arrange(hi));
  }
}

/**
 * SO(3) → SO(3) convolution (Cohen et al. 2018): h_o(R) = Σ_i ∫ f_i(Q) ψ_{oi}(R⁻¹Q) dQ with a filter
 * of weights at points near the identity (s2cnn's near-identity grid), band limit b. In harmonic
 * space H^l = Σ_i F^l_i (Ψ^l_{oi})^†. Exactly equivariant to left rotations.
 * Shapes: `[batch, in, nβ, nα, nγ]` → `[batch, out, nβ, nα, nγ]`.
 */
export class SO3Conv extends nn.Module {
  readonly so3: SO3FFT;
  weight: Tensor;
  private readonly dRe: Tensor; // [P, b·M·M] conj(D^l_{kn}(R_p))
  private readonly dIm: Tensor;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly bandLimit: number,
    options: S2ConvOptions & { nGamma?: number } = {},
  ) {
    super();
    checkPositiveInt('SO3Conv', 'inChannels', inChannels);
    checkPositiveInt('SO3Conv', 'outChannels', outChannels);
    const b = bandLimit;
    this.so3 = new SO3FFT(b);
    const M = 2 * b - 1;
    const maxBeta = options.maxBeta ?? Math.PI / 8;
    const nb = options.nBeta ?? 1;
    const na = options.nAlpha ?? 6;
    const ng = options.nGamma ?? 3;
    const pts: [number, number, number][] = [];
    for (let g = 0; g < ng; g++) pts.push([0, 0, (2 * Math.PI * g) / ng]);
    for (let j = 0; j < nb; j++)
      for (let a = 0; a < na; a++)
        for (let g = 0; g < ng; g++) {
          const alpha = (2 * Math.PI * a) / na;
          pts.push([alpha, (maxBeta * (j + 1)) / nb, -alpha + (2 * Math.PI * g) / ng]);
        }
    const P = pts.length;
    const dRe = new Float32Array(P * b * M * M);
    const dIm = new Float32Array(P * b * M * M);
    pts.forEach(([alpha, beta, gamma], p) => {
      let l = 0;
      for (const d of wignerDPlanes(b, beta)) {
        const dim = 2 * l + 1;
        for (let k = -l; k <= l; k++)
          for (let n = -l; n <= l; n++) {
            // conj(D^l_kn) = e^{+ikα} d e^{+inγ}
            const ang = k * alpha + n * gamma;
            const v = d[(k + l) * dim + (n + l)]!;
            const at = p * b * M * M + l * M * M + (k + b - 1) * M + (n + b - 1);
            dRe[at] = v * Math.cos(ang);
            dIm[at] = v * Math.sin(ang);
          }
        l++;
      }
    });
    this.dRe = tensor(dRe, [P, b * M * M]);
    this.dIm = tensor(dIm, [P, b * M * M]);
    const gen = options.seed === undefined ? {} : { generator: new Generator(options.seed) };
    this.weight = this.registerParameter(
      'weight',
      randn([outChannels, inChannels, P], gen).mul(1 / Math.sqrt(inChannels * P)),
    );
  }

  forward(x: Tensor): Tensor {
    const b = this.bandLimit;
    const n = 2 * b;
    if (
      x.ndim !== 5 ||
      x.shape[1] !== this.inChannels ||
      x.shape[2] !== b ||
      x.shape[3] !== n ||
      x.shape[4] !== n
    )
      argError('SO3Conv', 'x', `shape [batch, ${this.inChannels}, ${b}, ${n}, ${n}]`, fmtShape(x.shape));
    const B = x.shape[0]!;
    const M = 2 * b - 1;
    const I = this.inChannels;
    const O = this.outChannels;
    const { re, im } = this.so3.forward(x); // [B, I, b, M(j), M(n)]
    // Ψ^l_{oi,kn} = Σ_p w conj(D^l_kn(R_p)); need conj(Ψ)^T over (n → k): [b, I·N, O·K]
    const w = this.weight.reshape([O * I, -1]);
    const arrangePsi = (t: Tensor) =>
      t
        .reshape([O, I, b, M, M])
        .permute([2, 1, 4, 0, 3])
        .reshape([b, I * M, O * M]);
    const psr = arrangePsi(w.matmul(this.dRe));
    const psiConj = arrangePsi(w.matmul(this.dIm)).neg();
    const toL = (t: Tensor) => t.permute([2, 0, 3, 1, 4]).reshape([b, B * M, I * M]); // [l, (B, j), (i, n)]
    const [hr, hi] = complexMatmul(toL(re), toL(im), psr, psiConj); // [b, B·M(j), O·M(k)]
    const arrange = (t: Tensor) => t.reshape([b, B, M, O, M]).permute([1, 3, 0, 2, 4]);
    return this.so3.inverse(arrange(hr), arrange(hi));
  }
}
