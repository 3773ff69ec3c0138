// Speed of the SHT and DISCO paths (issue #8 asks for SHT at L = 256 on cpu and webgpu, and DISCO
// forward at 180×360, 64→64 channels, on webgpu). No JavaScript peer exists, so these are
// milliseconds on the machine at hand (median of runs); with --backend both every tensor row runs
// on cpu and then on webgpu in the same process and the ratio webgpu/cpu is printed.
// Run after building: node packages/sphere/bench/speed.mjs [--backend cpu|webgpu|both]
//   [--disco 90x180x16] [--runs 5] [--only sht64|sht32|disco]
import { randn, registerWebGPUBackend, setBackend, tidy } from '@erlangen/core';
import { DiscoConvS2, gridSampling, gridSHT64, InverseRealSHT, mwSampling, RealSHT } from '../dist/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const backendArg = arg('--backend', 'cpu');
const backends = backendArg === 'both' ? ['cpu', 'webgpu'] : [backendArg];
const [dLat, dLon, dCh] = arg('--disco', '90x180x16').split('x').map(Number);
const runs = Number(arg('--runs', '5'));
const only = arg('--only', '');

async function time(fn, n = runs) {
  await fn();
  const ts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(n / 2)];
}

const print = (label, ms) =>
  console.log(`${label.padEnd(60)} ${ms.map((v) => `${v.toFixed(1)} ms`).join('  ')}`);

if (backends.includes('webgpu')) registerWebGPUBackend();

/** Times `make(backend)()` on every requested backend; prints ms per backend and webgpu/cpu. */
async function row(label, make, n = runs) {
  const ms = [];
  for (const b of backends) {
    await setBackend(b);
    ms.push(await time(make(b), n));
  }
  const ratio = ms.length === 2 ? `   webgpu/cpu = ${(ms[1] / ms[0]).toFixed(2)}` : '';
  console.log(
    `${`${label} (${backends.join(' | ')})`.padEnd(72)} ${ms.map((v) => `${v.toFixed(1)} ms`).join(' | ')}${ratio}`,
  );
}

if (!only || only === 'sht64') {
  // float64 CPU path (plain TypeScript; no backend involved)
  const c = new Float64Array(256 * 256).map((_, i) => Math.sin(i * 0.37));
  for (const [label, s] of [
    ['256×512 GL', gridSampling('gauss-legendre', 256)],
    ['MW, 256×511', mwSampling('mw', 256)],
    ['MWSS, 257×512', mwSampling('mwss', 256)],
  ]) {
    const sht = gridSHT64(s, 256);
    const f = sht.inverse(c);
    print(`float64 SHT forward, L=256 (${label})`, [await time(() => sht.forward(f), 3)]);
    print(`float64 SHT inverse, L=256 (${label})`, [await time(() => sht.inverse(c), 3)]);
  }
}

if (!only || only === 'sht32') {
  const s = gridSampling('gauss-legendre', 256);
  for (const batch of [1, 8]) {
    await row(`float32 RealSHT forward, L=256, batch ${batch}`, () => {
      const fwd = new RealSHT(s, 256);
      const x = randn([batch, 256, 512]);
      return () => tidy(() => fwd.forward(x)).data();
    });
    await row(`float32 InverseRealSHT, L=256, batch ${batch}`, () => {
      const fwd = new RealSHT(s, 256);
      const inv = new InverseRealSHT(s, 256);
      const c = fwd.forward(randn([batch, 256, 512]));
      return () => tidy(() => inv.forward(c)).data();
    });
  }
}

if (!only || only === 'disco') {
  const g = gridSampling('equiangular', dLat + 1, { nlon: dLon });
  let nS = 0;
  await row(
    `DISCO forward ${g.nlat}×${g.nlon}, ${dCh}→${dCh}`,
    () => {
      const conv = new DiscoConvS2(g, dCh, dCh, { kernelShape: [3, 1] });
      nS = conv.filter.nS;
      const xd = randn([1, dCh, g.nlat, g.nlon]);
      return () => tidy(() => conv.forward(xd)).data();
    },
    runs,
  );
  console.log(`  (nS = ${nS} offset columns)`);
}
process.exit(0);
