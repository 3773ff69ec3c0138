// Training-step time of the same zonal CNN in the two layouts: channels-first SpectralZonalConv
// ([batch, channels, nlat, nlon]) vs ring-major RingMajorZonalConv ([nlat, batch, channels, nlon]).
// Four convs 1→32→64→64→128 with spectral pooling fused in (32×64 → 16×32 → 16×32 → 8×16 → 8×16),
// ReLU, spherical mean, linear; batch 32; forward + backward; with and without batch norm. Alternating runs in one process, median
// per layout, and the ratio (the machine is shared: compare the ratio, not the milliseconds).
// Run after building: taskset -c 1 node packages/sphere/bench/ring-major.mjs [--backend cpu|wasm]
//   [--runs 10] [--threads 1]
import {
  Generator,
  nn,
  randn,
  registerCpuBackend,
  registerWasmBackend,
  setBackend,
  tensor,
  tidy,
} from '@erlangen/core';
import {
  gridSampling,
  RingMajorZonalConv,
  ringMajorSphericalMean,
  SpectralZonalConv,
  sphericalMean,
  toRingMajor,
} from '../dist/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const backend = arg('--backend', 'cpu');
const runs = Number(arg('--runs', '10'));
const threads = Number(arg('--threads', '1'));
if (backend === 'wasm') registerWasmBackend({ threads });
else registerCpuBackend({ threads });
await setBackend(backend);

const g = (n) => gridSampling('gauss-legendre', n);
const plan = [
  [g(32), g(16), 1, 32],
  [g(16), g(16), 32, 64],
  [g(16), g(8), 64, 64],
  [g(8), g(8), 64, 128],
];
const channelsFirst = plan.map(
  ([a, b, ci, co], i) => new SpectralZonalConv(a, ci, co, { outSampling: b, seed: i }),
);
const ringMajor = plan.map(
  ([a, b, ci, co], i) => new RingMajorZonalConv(a, ci, co, { outSampling: b, seed: i, bias: true }),
);
// with batch norm: torch-style BatchNorm2d after each channels-first conv vs the ring-major conv's
// batch norm in harmonic space (what the spherical-MNIST HarmonicNet uses)
const norms = plan.map(([, , , co]) => new nn.BatchNorm2d(co));
const ringMajorBN = plan.map(
  ([a, b, ci, co], i) => new RingMajorZonalConv(a, ci, co, { outSampling: b, seed: i, batchNorm: true }),
);
const head = new nn.Linear(128, 10, { generator: new Generator(9) });
const x = randn([32, 1, 32, 64], { generator: new Generator(1) }).keep();
const labels = tensor(
  Int32Array.from({ length: 32 }, (_, i) => (7 * i) % 10),
  [32],
).keep();

const step = {
  'channels-first': () => {
    let h = x;
    for (const c of channelsFirst) h = c.forward(h).relu();
    return head.forward(sphericalMean(h, g(8)));
  },
  'ring-major': () => {
    let h = toRingMajor(x);
    for (const c of ringMajor) h = c.forward(h).relu();
    return head.forward(ringMajorSphericalMean(h, g(8)));
  },
  'channels-first + BatchNorm2d': () => {
    let h = x;
    channelsFirst.forEach((c, i) => {
      h = norms[i].forward(c.forward(h)).relu();
    });
    return head.forward(sphericalMean(h, g(8)));
  },
  'ring-major + harmonic batch norm': () => {
    let h = toRingMajor(x);
    for (const c of ringMajorBN) h = c.forward(h).relu();
    return head.forward(ringMajorSphericalMean(h, g(8)));
  },
};
const times = Object.fromEntries(Object.keys(step).map((k) => [k, []]));
for (let r = 0; r <= runs; r++)
  for (const [name, fn] of Object.entries(step)) {
    const t0 = performance.now();
    tidy(() => {
      const loss = nn.functional.crossEntropy(fn(), labels);
      loss.backward();
      return loss.item();
    });
    if (r > 0) times[name].push(performance.now() - t0); // run 0 warms up
  }
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`backend ${backend}, ${threads} thread(s), batch 32, forward + backward, median of ${runs}:`);
for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(34)} ${v.toFixed(0)} ms`);
console.log(
  `  ratio channels-first / ring-major: ${(m['channels-first'] / m['ring-major']).toFixed(2)}× without batch norm, ${(m['channels-first + BatchNorm2d'] / m['ring-major + harmonic batch norm']).toFixed(2)}× with`,
);
