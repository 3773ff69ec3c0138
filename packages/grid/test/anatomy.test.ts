import { Generator, randn, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  dihedralGroup,
  energyPlotSvg,
  FieldType,
  fibreEnergies,
  GeometricTensor,
  interactionGraph,
  interactionRule,
  isotypicBasis,
  isotypicEnergies,
  LiftingConv,
} from '../src/index.js';
import fixture from './fixtures/interaction.json' with { type: 'json' };

describe('isotypic energies (Fourier transform over the fibre)', () => {
  it('for C_N the components are the DFT frequencies: energies equal |DFT|² grouped by k and N − k (Parseval)', () => {
    for (const n of [4, 5, 8]) {
      const basis = isotypicBasis(cyclicGroup(n));
      expect(basis.labels).toEqual(Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => `L${k}`));
      const f = Float64Array.from({ length: n }, (_, i) => Math.sin(1.3 * i * i + 0.2) + 0.1 * i);
      const e = fibreEnergies(basis, f);
      for (let k = 0; k <= n / 2; k++) {
        let power = 0;
        for (const kk of new Set([k, (n - k) % n])) {
          let re = 0;
          let im = 0;
          for (let r = 0; r < n; r++) {
            re += f[r]! * Math.cos((2 * Math.PI * kk * r) / n);
            im -= f[r]! * Math.sin((2 * Math.PI * kk * r) / n);
          }
          power += (re * re + im * im) / n;
        }
        expect(e[k]).toBeCloseTo(power, 10);
      }
    }
  });

  it('isotypicEnergies sums over batch and plane per field, matches fibreEnergies, and is invariant under the group', () => {
    const group = cyclicGroup(4);
    const lift = new LiftingConv(group, 1, 3, 3, { generator: new Generator(2) });
    tidy(() => {
      const x = new GeometricTensor(randn([2, 1, 9, 9], { generator: new Generator(3) }), lift.inType);
      const y = lift.forward(x);
      const e = isotypicEnergies(y);
      expect(e.shape).toEqual([3, 3]);
      const values = y.tensor.dataSync();
      const basis = isotypicBasis(group);
      const ref = new Float64Array(9);
      for (let b = 0; b < 2; b++)
        for (let f = 0; f < 3; f++)
          for (let p = 0; p < 81; p++) {
            const fibre = Array.from({ length: 4 }, (_, h) => values[(b * 12 + f * 4 + h) * 81 + p]!);
            fibreEnergies(basis, fibre).forEach((v, c) => {
              ref[f * 3 + c] = ref[f * 3 + c]! + v;
            });
          }
      const got = e.dataSync();
      for (let i = 0; i < 9; i++)
        expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4 * Math.max(1, ref[i]!));
      // The regular representation preserves every isotypic component's energy.
      const rotated = isotypicEnergies(lift.forward(x.transform(group.rotation(1)))).dataSync();
      for (let i = 0; i < 9; i++)
        expect(Math.abs(rotated[i]! - got[i]!)).toBeLessThan(1e-4 * Math.max(1, got[i]!));
    });
  });

  it('works for D_N (components are the irreps) and refuses non-regular fields', () => {
    const d4 = dihedralGroup(4);
    expect(isotypicBasis(d4).labels).toEqual([
      'irrep_0,0',
      'irrep_1,0',
      'irrep_1,1',
      'irrep_0,2',
      'irrep_1,2',
    ]);
    const x = new GeometricTensor(randn([1, 2, 3, 3]), FieldType.trivial(d4, 2));
    expect(() => isotypicEnergies(x)).toThrow(/regular fields only/);
    expect(() => fibreEnergies(isotypicBasis(d4), [1, 2])).toThrow(/length \|G\| = 8/);
  });
});

describe('interaction graph of ReLU and |·| on C_n', () => {
  it('the rule: ord(j) | ordP(i), plus i = j for ReLU', () => {
    // n = 8: L1 (order 8, ordP 4) feeds L0, L2 (order 4), L4 (order 2) and itself under ReLU, never L3.
    expect(interactionRule(8, 'relu')[1]).toEqual([true, true, true, false, true]);
    expect(interactionRule(8, 'abs')[1]).toEqual([true, false, true, false, true]);
    expect(interactionRule(8, 'abs')[4]).toEqual([true, false, false, false, false]);
    expect(() => interactionRule(8, 'tanh' as 'relu')).toThrow(/'relu' or 'abs'/);
  });

  for (const n of [4, 5, 6, 8, 12]) {
    for (const fn of ['relu', 'abs'] as const) {
      it(`n = ${n}, ${fn}: numerical edges equal the rule (energy < 1e-9 on non-edges) and numpy's fractions`, () => {
        const graph = interactionGraph(n, fn, { samples: 2000, generator: new Generator(n) });
        const rule = interactionRule(n, fn);
        const ref = (fixture.graphs as Record<string, number[][]>)[`${fn}_${n}`]!;
        expect(graph.edges).toEqual(rule);
        for (let i = 0; i < rule.length; i++)
          for (let j = 0; j < rule.length; j++) {
            if (rule[i]![j]) expect(graph.energy[i]![j]).toBeGreaterThan(1e-4);
            else expect(graph.energy[i]![j]).toBeLessThan(1e-9);
            // Independent float64 numpy estimate with other random samples: agreement within sampling noise.
            expect(Math.abs(graph.energy[i]![j]! - ref[i]![j]!)).toBeLessThan(0.03);
          }
      });
    }
  }

  it('n = 8, input in L1: ReLU output energy fractions L0 0.406, L1 0.500, L2 0.091, L3 0, L4 0.004 (±0.01, 2000 samples)', () => {
    const graph = interactionGraph(8, 'relu', { samples: 2000, generator: new Generator(8) });
    const ref = fixture.relu_n8_L1;
    for (let j = 0; j < 5; j++) expect(Math.abs(graph.energy[1]![j]! - ref[j]!)).toBeLessThan(0.01);
    expect(ref[0]).toBeCloseTo(0.406, 2);
    expect(ref[2]).toBeCloseTo(0.091, 2);
  });
});

describe('energy plot', () => {
  it('writes an SVG heat map with one row per stage and one column per component', () => {
    const svg = energyPlotSvg({
      stages: ['conv1', 'conv1 + ReLU'],
      components: ['L0', 'L1'],
      fractions: [
        [0.2, 0.8],
        [0.6, 0.4],
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('conv1 + ReLU');
    expect(svg.match(/<rect /g)!.length).toBe(5);
    expect(() => energyPlotSvg({ stages: ['a'], components: ['L0'], fractions: [] })).toThrow(/1 rows/);
  });
});
