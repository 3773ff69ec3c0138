import { Generator, randn, tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import {
  cyclicGroup,
  dihedralGroup,
  FieldType,
  GeometricTensor,
  gridPermutation,
  irreducibleRepresentations,
  quotientRepresentation,
  regularRepresentation,
  trivialRepresentation,
} from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

describe('GeometricTensor.transform', () => {
  it('is an action: transform(a)(transform(b)) = transform(a·b), on mixed field types', () => {
    for (const group of [cyclicGroup(4), dihedralGroup(4)]) {
      const reps = [
        regularRepresentation(group),
        trivialRepresentation(group),
        ...irreducibleRepresentations(group),
        quotientRepresentation(group, [0, group.rotation(2)]),
      ];
      const type = new FieldType(group, reps);
      tidy(() => {
        const x = new GeometricTensor(randn([2, type.size, 5, 5], { generator: new Generator(1) }), type);
        for (const a of group.elements()) {
          for (const b of group.elements()) {
            const lhs = x.transform(b).transform(a).tensor.dataSync();
            const rhs = x.transform(group.compose(a, b)).tensor.dataSync();
            expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-6);
          }
        }
      });
    }
  });

  it('moves pixels and permutes regular channels: (g·f)[g·h](p) = f[h](g⁻¹p)', () => {
    for (const group of [cyclicGroup(4), dihedralGroup(4)]) {
      const type = FieldType.regular(group, 1);
      const n = group.order;
      // Channel h, pixel p holds 100·h + p, so every value says where it came from.
      const values = Float32Array.from({ length: n * 9 }, (_, i) => 100 * Math.floor(i / 9) + (i % 9));
      const x = new GeometricTensor(tensor(values, [1, n, 3, 3]), type);
      for (const g of group.elements()) {
        const out = x.transform(g).tensor.dataSync();
        const pixels = gridPermutation(group, g, 3, 3);
        for (let c = 0; c < n; c++) {
          const h = group.compose(group.inverse(g), c);
          for (let p = 0; p < 9; p++) expect(out[c * 9 + p]).toBe(100 * h + pixels[p]!);
        }
      }
    }
  });

  it('rejects non-grid rotations and bad elements', () => {
    const C8 = cyclicGroup(8);
    const x = new GeometricTensor(randn([1, 8, 5, 5]), FieldType.regular(C8, 1));
    expect(() => x.transform(C8.rotation(1))).toThrow(/a grid symmetry of C8/);
    expect(x.transform(C8.rotation(2)).shape).toEqual([1, 8, 5, 5]);
    expect(() => x.transform(9)).toThrow(/C8.element: argument 'g' expected an element index in \[0, 8\)/);
  });
});
