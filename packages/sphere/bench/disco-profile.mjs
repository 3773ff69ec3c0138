// Where a DISCO forward spends its time on each backend: the per-ring gathers (indexSelect) alone,
// the per-ring ψ-matmuls alone, the whole forward, and a 512³ matmul for scale. Milliseconds, one
// timed run after a warm-up, same process.
// Run after building: node packages/sphere/bench/disco-profile.mjs [--backend cpu|webgpu|both] [--disco 90x180x16]
import { randn, registerWebGPUBackend, setBackend, tidy } from '@erlangen/core';
import { DiscoConvS2, gridSampling } from '../dist/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const backendArg = arg('--backend', 'both');
const backends = backendArg === 'both' ? ['cpu', 'webgpu'] : [backendArg];
const [nlat, nlon, ch] = arg('--disco', '90x180x16').split('x').map(Number);
if (backends.includes('webgpu')) registerWebGPUBackend();

const g = gridSampling('equiangular', nlat + 1, { nlon });
for (const b of backends) {
  await setBackend(b);
  const conv = new DiscoConvS2(g, ch, ch, { kernelShape: [3, 1], contraction: 'per-ring' });
  // the per-ring blocks the layer contracts with ({ psi: [K, n], columns: [n·nlon], n })
  const blocks = conv.blocks;
  const x = randn([ch, g.nlat * g.nlon]);
  const time = async (label, fn) => {
    await fn();
    const t0 = performance.now();
    await fn();
    console.log(`${b.padEnd(7)} ${label.padEnd(40)} ${(performance.now() - t0).toFixed(0)} ms`);
  };
  const sumAll = (ts) => ts.reduce((a, c) => a.add(c));
  await time(`gathers only (${blocks.length} rings)`, () =>
    tidy(() => sumAll(blocks.map((blk) => x.indexSelect(1, blk.columns).sum()))).data(),
  );
  const gathered = blocks.map((blk) => x.indexSelect(1, blk.columns).reshape([ch, blk.n, g.nlon]));
  await time(`ψ-matmuls only (${blocks.length} rings)`, () =>
    tidy(() => sumAll(blocks.map((blk, i) => blk.psi.matmul(gathered[i]).sum()))).data(),
  );
  await time(`forward ${g.nlat}×${g.nlon}, ${ch}→${ch}`, () =>
    tidy(() => conv.forward(randn([1, ch, g.nlat, g.nlon]))).data(),
  );
  const big = randn([512, 512]);
  await time('matmul 512³', () => tidy(() => big.matmul(big).sum()).data());
}
process.exit(0);
