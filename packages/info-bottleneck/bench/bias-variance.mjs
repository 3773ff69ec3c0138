// Bias and spread of the estimators on correlated Gaussians (ρ = 0.9, I = −½ log₂(1 − ρ²) = 1.198 bits)
// and on independent ones (I = 0), over sample sizes; 10 seeded repeats each.
// Run: node packages/info-bottleneck/bench/bias-variance.mjs  (after building the package)
import {
  binnedCodes,
  discreteMutualInformation,
  ksgMutualInformation,
  mineMutualInformation,
} from '../dist/index.js';

function normals(n, seed) {
  let s = seed | 0;
  const u = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}
const estimators = {
  'KSG k=3': (x, y) => ksgMutualInformation(x, y, { k: 3 }),
  'binning adaptive 10/neuron': (x, y) =>
    discreteMutualInformation(
      binnedCodes(x, { kind: 'adaptive', bins: 10 }),
      binnedCodes(y, { kind: 'adaptive', bins: 10 }),
    ),
  'binning floor 0.5': (x, y) =>
    discreteMutualInformation(
      binnedCodes(x, { kind: 'floor', binSize: 0.5 }),
      binnedCodes(y, { kind: 'floor', binSize: 0.5 }),
    ),
  'MINE (500 steps)': (x, y) =>
    mineMutualInformation(x, y, { steps: 500, batchSize: Math.min(256, x.length), lr: 3e-3, hidden: 32 })
      .bits,
};
const rows = [];
for (const rho of [0.9, 0]) {
  const truth = -0.5 * Math.log2(1 - rho * rho);
  for (const n of [100, 400, 1600]) {
    for (const [name, f] of Object.entries(estimators)) {
      if (name.startsWith('MINE') && n === 100) continue;
      const v = [];
      for (let r = 0; r < (name.startsWith('MINE') ? 4 : 10); r++) {
        const z1 = normals(n, 100 * r + 1);
        const z2 = normals(n, 100 * r + 2);
        const y = z1.map((a, i) => rho * a + Math.sqrt(1 - rho * rho) * z2[i]);
        v.push(f(z1, y));
      }
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
      rows.push({ rho, truth, n, estimator: name, bias: mean - truth, sd, repeats: v.length });
      console.log(
        `ρ=${rho} N=${n} ${name}: mean ${mean.toFixed(3)} (truth ${truth.toFixed(3)}), bias ${(mean - truth).toFixed(3)}, sd ${sd.toFixed(3)}`,
      );
    }
  }
}
console.log(JSON.stringify(rows));
