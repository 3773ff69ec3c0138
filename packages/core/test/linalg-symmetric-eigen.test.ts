/**
 * symmetricEigen64 / symmetricEigenvalues64 (float64 CPU path) against LAPACK's eigh, through
 * fixtures/symmetric_eigen.json written by fixtures/gen_symmetric_eigen.py (scipy.linalg.eigh).
 * Eigenvectors are compared as projectors onto groups of (nearly) equal eigenvalues, where no
 * solver's individual vectors are defined, and up to sign elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErlangenError, symmetricEigen64, symmetricEigenvalues64 } from '../src/index.js';

interface EighCase {
  name: string;
  n: number;
  a: number[];
  values: number[];
  vectors: number[];
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'symmetric_eigen.json'), 'utf8'),
) as { cases: EighCase[] };

/** Largest |λ| of the reference: the scale every backward-stable solver's error is relative to. */
function spectralNorm(c: EighCase): number {
  return Math.max(1e-300, ...c.values.map(Math.abs));
}

/** Index ranges [start, end) of the ascending reference values, split where the gap is ≥ 1e-6‖A‖. */
function eigenGroups(values: readonly number[], norm: number): [number, number][] {
  const groups: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= values.length; i++) {
    if (i === values.length || values[i]! - values[i - 1]! >= 1e-6 * norm) {
      groups.push([start, i]);
      start = i;
    }
  }
  return groups;
}

/** Σ_{j ∈ [start, end)} v_j v_jᵀ for the columns of the row-major [n, n] `vectors`. */
function projector(vectors: ArrayLike<number>, n: number, start: number, end: number): Float64Array {
  const p = new Float64Array(n * n);
  for (let j = start; j < end; j++)
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) p[r * n + c]! += vectors[r * n + j]! * vectors[c * n + j]!;
  return p;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('symmetricEigen64 against scipy.linalg.eigh', () => {
  for (const c of fixture.cases) {
    it(`${c.name} (n = ${c.n})`, () => {
      const { n } = c;
      const input = Float64Array.from(c.a);
      const norm = spectralNorm(c);
      const { values, vectors } = symmetricEigen64(input, n);
      expect(Array.from(input)).toEqual(c.a); // the input is not modified
      expect(values.length).toBe(n);
      expect(vectors.length).toBe(n * n);
      expect(maxAbsDiff(values, c.values)).toBeLessThanOrEqual(1e-13 * norm * n);
      for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);

      // Orthonormal columns and small residuals ‖A v − λ v‖ for every pair.
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += vectors[k * n + i]! * vectors[k * n + j]!;
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-13 * n);
        }
      for (let j = 0; j < n; j++)
        for (let r = 0; r < n; r++) {
          let av = 0;
          for (let k = 0; k < n; k++) av += c.a[r * n + k]! * vectors[k * n + j]!;
          expect(Math.abs(av - values[j]! * vectors[r * n + j]!)).toBeLessThan(1e-13 * norm * n);
        }

      // The same eigenspaces as LAPACK: projectors of each eigenvalue group; single vectors up to sign.
      for (const [start, end] of eigenGroups(c.values, norm)) {
        const ours = projector(vectors, n, start, end);
        const ref = projector(c.vectors, n, start, end);
        expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-8);
        if (end - start === 1) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += vectors[k * n + start]! * c.vectors[k * n + start]!;
          expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
        }
      }
    });
  }
});

describe('symmetricEigenvalues64', () => {
  it('returns exactly the values of symmetricEigen64 (the same rotations without eigenvectors)', () => {
    for (const c of fixture.cases) {
      expect(symmetricEigenvalues64(c.a, c.n)).toEqual(symmetricEigen64(c.a, c.n).values);
    }
  });

  it('accepts a plain number array and an empty matrix', () => {
    expect(Array.from(symmetricEigenvalues64([2, 1, 1, 2], 2))).toEqual(
      [1, 3].map((v) => expect.closeTo(v, 14)),
    );
    expect(symmetricEigenvalues64([], 0).length).toBe(0);
    expect(symmetricEigen64(new Float64Array(0), 0).vectors.length).toBe(0);
  });

  it('averages rounding-level asymmetry instead of amplifying it', () => {
    const a = [1, 0.5 + 1e-12, 0.5, 1];
    const ev = symmetricEigenvalues64(a, 2);
    expect(ev[0]!).toBeCloseTo(0.5, 11);
    expect(ev[1]!).toBeCloseTo(1.5, 11);
  });
});

describe('symmetricEigen64 input checks', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'wrong length',
      () => symmetricEigen64(new Float64Array(5), 2),
      /symmetricEigen64: argument 'a' expected 4 entries \(float64 \[2, 2\] row-major\) but received 5 entries/,
    ],
    [
      'non-integer size',
      () => symmetricEigenvalues64(new Float64Array(4), 1.5),
      /symmetricEigenvalues64: argument 'n' expected a non-negative integer matrix size but received 1.5/,
    ],
    [
      'NaN entry',
      () => symmetricEigen64([1, Number.NaN, Number.NaN, 1], 2),
      /argument 'a' expected finite entries but received NaN at row 0, column 1/,
    ],
    [
      'non-symmetric matrix',
      () => symmetricEigenvalues64([1, 2, 3, 4], 2),
      /argument 'a' expected a symmetric matrix but received a\[0, 1\] = 2 but a\[1, 0\] = 3/,
    ],
    [
      'not an array',
      () => symmetricEigen64(undefined as unknown as Float64Array, 2),
      /argument 'a' expected a float64 \[2, 2\] row-major array but received undefined/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`throws an ErlangenError for a ${name}`, () => {
      expect(call).toThrow(ErlangenError);
      expect(call).toThrow(message);
    });
  }
});
