import { Generator, randn } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import { FieldType, GeometricTensor, kernelBasis, o2, R2Conv, so2 } from '../src/index.js';

function mul(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) out[i * p + j] += a[i * m + k]! * b[k * p + j]!;
  return out;
}
function t(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = a[i * n + j]!;
  return out;
}

describe('SO(2) / O(2) irreps up to a maximum frequency (band-limited, carried by C_M / D_M)', () => {
  for (const make of [so2, o2]) {
    it(`${make.name}(3): kernel constraint for 20 random angles (any θ, mirrors for O(2)): atol 5e-5, rtol 1e-4`, () => {
      const G = make(3);
      let seed = 7;
      const rand = () => {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        return seed / 2 ** 32;
      };
      let worst = 0;
      for (const inRep of G.irreps)
        for (const outRep of G.irreps) {
          const basis = kernelBasis(inRep, outRep, 7, {
            maxFrequency: (r) => Math.min(G.kernelFrequency, r + 2),
          });
          for (let trial = 0; trial < 20; trial++) {
            const theta = rand() * 2 * Math.PI;
            const flip = G.kind === 'O2' && rand() < 0.5 ? 1 : 0;
            const u = (rand() - 0.5) * 6;
            const v = (rand() - 0.5) * 6;
            // Plane map M^flip R(θ) on (row, column) offsets, M = diag(−1, 1).
            const ru = Math.cos(theta) * u - Math.sin(theta) * v;
            const rv = Math.sin(theta) * u + Math.cos(theta) * v;
            const lhs = basis.evaluate(flip ? -ru : ru, rv);
            const rOut = G.irrepMatrix(outRep, theta, flip as 0 | 1);
            const rIn = G.irrepMatrix(inRep, theta, flip as 0 | 1);
            basis.evaluate(u, v).forEach((k, e) => {
              const rhs = mul(
                mul(rOut, k, outRep.size, outRep.size, inRep.size),
                t(rIn, inRep.size),
                outRep.size,
                inRep.size,
                inRep.size,
              );
              for (let i = 0; i < rhs.length; i++) {
                const err = Math.abs(lhs[e]![i]! - rhs[i]!);
                worst = Math.max(worst, err / (5e-5 + 1e-4 * Math.abs(rhs[i]!)));
              }
            });
          }
        }
      expect(worst).toBeLessThan(1);
    });
  }

  it('no aliasing: the basis does not change when M grows (it is the SO(2) basis), unlike C4', () => {
    const small = so2(2, 4);
    const large = so2(2, 12);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        const opts = { maxFrequency: 4 };
        expect(kernelBasis(small.irreps[a]!, small.irreps[b]!, 7, opts).size).toBe(
          kernelBasis(large.irreps[a]!, large.irreps[b]!, 7, opts).size,
        );
      }
    // SO(2), ψ₁ → ψ₁, 3×3: t = 0 and t = 2 (2 elements each) on the outer ring, 2 at the centre.
    expect(kernelBasis(small.irreps[1]!, small.irreps[1]!, 3).size).toBe(6);
  });

  it('R2Conv on SO(2) irrep fields is equivariant under the carrying group’s quarter turns', () => {
    const G = so2(2, 4); // C_9: no quarter turns, so use O(2) with D_M mirrors for the exact check
    expect(G.group.name).toBe('C9');
    const H = o2(2, 4);
    const conv = new R2Conv(
      new FieldType(H.group, [H.irreps[0]!, H.irreps[2]!]),
      new FieldType(H.group, H.irreps),
      5,
      {
        maxFrequency: 4,
        generator: new Generator(1),
      },
    );
    const x = new GeometricTensor(randn([1, 3, 9, 9], { generator: new Generator(2) }), conv.inType);
    const g = H.group.reflection(0);
    const lhs = conv.forward(x.transform(g)).tensor.dataSync();
    const rhs = conv.forward(x).transform(g).tensor.dataSync();
    let err = 0;
    for (let i = 0; i < lhs.length; i++) err = Math.max(err, Math.abs(lhs[i]! - rhs[i]!));
    expect(err).toBeLessThan(1e-5);
    expect(() => so2(-1)).toThrow(/maxFrequency/);
  });
});
