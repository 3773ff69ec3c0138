// KDE bounds on N = 4096 samples per layer width: time per layer (median of 5) on the core's backend.
// Run: node packages/info-bottleneck/bench/kde.mjs   (after `npx turbo run build --filter=@erlangen/info-bottleneck`)
// Compare with bench/kde_numpy.py (the same computation in numpy, ibsgd's formulation).
import { kdeInformation, twelveBitDataset } from '../dist/index.js';

const n = 4096;
const labels = twelveBitDataset().labels;
let s = 1;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
const results = {};
for (const d of [10, 7, 5, 4, 3, 2]) {
  const values = Float64Array.from({ length: n * d }, rand);
  const m = { values, rows: n, cols: d };
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    kdeInformation(m, labels, { noiseVariance: 0.1 });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  results[d] = times[2];
  console.log(`d = ${d}: ${times[2].toFixed(0)} ms per layer (median of 5)`);
}
console.log(JSON.stringify(results));
