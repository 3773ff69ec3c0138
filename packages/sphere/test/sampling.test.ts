import { describe, expect, it } from 'vitest';
import {
  ang2pix,
  clenshawCurtisWeights,
  driscollHealyWeights,
  gaussLegendreNodes,
  gridSampling,
  healpixSampling,
  icosahedralSampling,
  mwSampling,
  neighbours,
  nest2ring,
  pix2ang,
  ring2nest,
} from '../src/index.js';
import { fixture } from './helpers.js';

type Gl = Record<string, { x: number[]; w: number[] }>;

function legendreP(l: number, x: number): number {
  let p0 = 1;
  let p1 = x;
  if (l === 0) return 1;
  for (let k = 2; k <= l; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
  return p1;
}

describe('latitude quadratures', () => {
  it('Gauss–Legendre nodes and weights match scipy.special.roots_legendre to 1e-14', () => {
    const gl = fixture<Gl>('gauss_legendre.json');
    for (const [n, ref] of Object.entries(gl)) {
      const { x, w } = gaussLegendreNodes(Number(n));
      // ours descend (θ ascends from the north pole); scipy's ascend
      for (let i = 0; i < x.length; i++) {
        expect(Math.abs(x[i]! - ref.x[x.length - 1 - i]!)).toBeLessThan(1e-14);
        expect(Math.abs(w[i]! - ref.w[x.length - 1 - i]!)).toBeLessThan(1e-14);
      }
    }
  });

  it.each([
    [
      'clenshaw-curtis',
      (n: number) => clenshawCurtisWeights(n),
      (n: number) => (j: number) => Math.cos((Math.PI * j) / (n - 1)),
      (n: number) => n - 1,
    ],
    [
      'driscoll-healy',
      (n: number) => driscollHealyWeights(n),
      (n: number) => (j: number) => Math.cos((Math.PI * j) / n),
      (n: number) => n - 1,
    ],
  ] as const)(
    '%s weights integrate Legendre polynomials exactly up to their degree',
    (_, weights, node, degree) => {
      for (const n of [8, 17, 32]) {
        if (_ === 'driscoll-healy' && n % 2) continue;
        const w = weights(n);
        for (let l = 0; l <= degree(n); l++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += w[j]! * legendreP(l, node(n)(j));
          expect(Math.abs(s - (l === 0 ? 2 : 0))).toBeLessThan(1e-13);
        }
      }
    },
  );

  it('grid samplings report their band limits and reject bad input', () => {
    expect(gridSampling('gauss-legendre', 32).maxBandLimit).toBe(32);
    expect(gridSampling('equiangular', 33).maxBandLimit).toBe(17);
    expect(gridSampling('driscoll-healy', 32).maxBandLimit).toBe(16);
    expect(() => gridSampling('driscoll-healy', 31)).toThrow(/nlat.*even/);
    expect(() => gridSampling('gauss-legendre', 0)).toThrow(/nlat/);
    expect(() => gridSampling('bogus' as 'equiangular', 8)).toThrow(/kind/);
  });

  it('MW and MWSS points follow McEwen & Wiaux (2011)', () => {
    const mw = mwSampling('mw', 8);
    expect([mw.nlat, mw.nlon]).toEqual([8, 15]);
    expect(mw.theta[7]).toBeCloseTo(Math.PI, 14);
    expect(mw.theta[0]).toBeCloseTo(Math.PI / 15, 14);
    const ss = mwSampling('mwss', 8);
    expect([ss.nlat, ss.nlon, ss.theta[0], ss.theta[8]]).toEqual([9, 16, 0, Math.PI]);
  });
});

type Hpx = Record<
  string,
  {
    ringTheta: number[];
    ringPhi: number[];
    nestTheta: number[];
    nestPhi: number[];
    nest2ring: number[];
    ringNeighbours: number[];
    nestNeighbours: number[];
  }
> & {
  ang2pix: Record<string, number[]>;
  pix2ang1024: {
    pix: number[];
    ringTheta: number[];
    ringPhi: number[];
    nestTheta: number[];
    nestPhi: number[];
  };
};

describe('HEALPix against healpy 1.16', () => {
  const hpx = fixture<Hpx>('healpix.json');
  it.each([1, 2, 4, 8])('pixel centres, nest↔ring and neighbours at nside %i', (nside) => {
    const ref = hpx[String(nside)]!;
    for (const order of ['ring', 'nest'] as const) {
      const s = healpixSampling(nside, order);
      const th = order === 'ring' ? ref.ringTheta : ref.nestTheta;
      const ph = order === 'ring' ? ref.ringPhi : ref.nestPhi;
      for (let p = 0; p < s.npix; p++) {
        expect(Math.abs(s.theta[p]! - th[p]!)).toBeLessThan(1e-13);
        expect(Math.abs(s.phi[p]! - ph[p]!)).toBeLessThan(1e-13);
      }
      expect(Array.from(s.neighbours)).toEqual(order === 'ring' ? ref.ringNeighbours : ref.nestNeighbours);
    }
    for (let p = 0; p < 12 * nside * nside; p++) {
      expect(nest2ring(nside, p)).toBe(ref.nest2ring[p]);
      expect(ring2nest(nside, ref.nest2ring[p]!)).toBe(p);
    }
  });

  it('ang2pix at nside 1 … 8192 and pix2ang at nside 1024', () => {
    const a = hpx.ang2pix;
    for (const nside of [1, 4, 64, 1024, 8192]) {
      for (let i = 0; i < a.theta!.length; i++) {
        expect(ang2pix(nside, a.theta![i]!, a.phi![i]!, 'ring')).toBe(a[`ring${nside}`]![i]);
        expect(ang2pix(nside, a.theta![i]!, a.phi![i]!, 'nest')).toBe(a[`nest${nside}`]![i]);
      }
    }
    const r = hpx.pix2ang1024;
    r.pix.forEach((p, i) => {
      const [t, f] = pix2ang(1024, p, 'ring');
      expect(Math.abs(t - r.ringTheta[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(f - r.ringPhi[i]!)).toBeLessThan(1e-13);
      const [t2, f2] = pix2ang(1024, p, 'nest');
      expect(Math.abs(t2 - r.nestTheta[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(f2 - r.nestPhi[i]!)).toBeLessThan(1e-13);
    });
  });

  it('rejects a non-power-of-two nside and out-of-range pixels', () => {
    expect(() => healpixSampling(6)).toThrow(/nside.*power of two.*6/);
    expect(() => pix2ang(4, 192)).toThrow(/pixel/);
    expect(() => neighbours(4, -1)).toThrow(/pixel/);
    expect(() => ang2pix(4, 4, 0)).toThrow(/theta/);
  });
});

describe('icosahedral geodesic grid', () => {
  it('has 10·4^k + 2 unit points whose weights sum to 4π', () => {
    for (const k of [0, 1, 3]) {
      const g = icosahedralSampling(k);
      expect(g.npoints).toBe(10 * 4 ** k + 2);
      expect(g.faces.length / 3).toBe(20 * 4 ** k);
      const s = g.weights.reduce((a, b) => a + b, 0);
      expect(Math.abs(s - 4 * Math.PI)).toBeLessThan(1e-12);
      for (let i = 0; i < g.npoints; i++)
        expect(Math.abs(Math.hypot(g.xyz[3 * i]!, g.xyz[3 * i + 1]!, g.xyz[3 * i + 2]!) - 1)).toBeLessThan(
          1e-15,
        );
    }
    expect(() => icosahedralSampling(-1)).toThrow(/level/);
  });
});
