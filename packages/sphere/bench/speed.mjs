// Speed of the SHT and DISCO paths (issue #8 asks for SHT at L = 256 on cpu and webgpu, and DISCO
// forward at 180×360, 64→64 channels, on webgpu). No JavaScript peer exists, so these are
// milliseconds on the machine at hand (median of runs, same process), not ratios.
// Run after building: node packages/sphere/bench/speed.mjs [--backend cpu|webgpu] [--disco 90x180x16]
import { randn, registerWebGPUBackend, setBackend, tidy } from '@erlangen/core';
import { DiscoConvS2, gridSampling, gridSHT64, InverseRealSHT, RealSHT } from '../dist/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const backend = arg('--backend', 'cpu');
const [dLat, dLon, dCh] = arg('--disco', '90x180x16').split('x').map(Number);

async function time(label, fn, runs = 5) {
  await fn();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} ${ts[Math.floor(runs / 2)].toFixed(1)} ms`);
}

if (backend === 'webgpu') {
  registerWebGPUBackend();
  await setBackend('webgpu');
}

if (backend === 'cpu') {
  const s = gridSampling('gauss-legendre', 256);
  const sht = gridSHT64(s, 256);
  const c = new Float64Array(256 * 256).map((_, i) => Math.sin(i * 0.37));
  const f = sht.inverse(c);
  await time('float64 SHT forward, L=256 (256×512 GL)', () => sht.forward(f), 3);
  await time('float64 SHT inverse, L=256', () => sht.inverse(c), 3);
}

const s = gridSampling('gauss-legendre', 256);
const fwd = new RealSHT(s, 256);
const inv = new InverseRealSHT(s, 256);
for (const batch of [1, 8]) {
  const x = randn([batch, 256, 512]);
  await time(`float32 RealSHT forward, L=256, batch ${batch} (${backend})`, () =>
    tidy(() => fwd.forward(x)).data(),
  );
  const c = fwd.forward(x);
  await time(`float32 InverseRealSHT, L=256, batch ${batch} (${backend})`, () =>
    tidy(() => inv.forward(c)).data(),
  );
}

const g = gridSampling('equiangular', dLat + 1, { nlon: dLon });
const conv = new DiscoConvS2(g, dCh, dCh, { kernelShape: [3, 1] });
const xd = randn([1, dCh, g.nlat, g.nlon]);
await time(`DISCO forward ${g.nlat}×${g.nlon}, ${dCh}→${dCh}, nS=${conv.filter.nS} (${backend})`, () =>
  tidy(() => conv.forward(xd)).data(),
);
process.exit(0);
