/**
 * p4 group convolution against the equivalent plain convolution (issue #6): a GroupConv with C
 * regular fields in and out is, once its filter bank is expanded, a conv2d with |G|·C channels in and
 * out. In eval mode the bank is cached, so the ratio should be ≈ 1; in training mode the layer also
 * pays for the filter gather every forward. Also an R2Conv (C8 regular fields) in eval mode.
 *
 * Both sides run in one process, interleaved ABBA run by run, each reading its result back inside the
 * timed region; the figure is the median per-run time and what we report is the ratio.
 * Run (after `npm run build`): node packages/grid/bench/gconv.mjs [--backend cpu|webgpu|all]
 * Results: packages/grid/bench/results/gconv-<backend>.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conv2d, Generator, randn, registerWebGPUBackend, setBackend, tidy } from '@erlangen/core';
import { cyclicGroup, FieldType, GeometricTensor, GroupConv, R2Conv } from '../dist/index.js';

const args = process.argv.slice(2);
const backendArg = args.includes('--backend') ? args[args.indexOf('--backend') + 1] : 'all';
const backends = backendArg === 'all' ? ['cpu', 'webgpu'] : [backendArg];

async function timeInterleaved(impls, { runs, warmup }) {
  const names = Object.keys(impls);
  for (const n of names) for (let i = 0; i < warmup; i++) await impls[n]();
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (const n of r % 2 === 0 ? names : [...names].reverse()) {
      const t0 = performance.now();
      await impls[n]();
      samples[n].push(performance.now() - t0);
    }
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

/** Runs fn inside tidy and awaits its result's data (so asynchronous GPU work is inside the clock). */
const readBack = (fn) => async () => {
  const out = tidy(fn);
  await out.data();
  out.dispose();
};

async function benchBackend(name) {
  if (name === 'webgpu') {
    registerWebGPUBackend();
    try {
      await setBackend('webgpu');
    } catch (e) {
      console.log(`webgpu: skipped (${e.message})`);
      return null;
    }
  } else {
    await setBackend('cpu');
  }
  const p4 = cyclicGroup(4);
  const shapes =
    name === 'cpu'
      ? [
          { batch: 8, fields: 8, size: 28 },
          { batch: 16, fields: 16, size: 14 },
          { batch: 4, fields: 32, size: 14 },
        ]
      : [
          { batch: 4, fields: 8, size: 28 },
          { batch: 8, fields: 16, size: 14 },
        ];
  const rows = [];
  for (const { batch, fields, size } of shapes) {
    const g = new Generator(0);
    const gconv = new GroupConv(p4, fields, fields, 3, { generator: g });
    const channels = p4.order * fields;
    const x = randn([batch, channels, size, size], { generator: g }).keep();
    const gx = new GeometricTensor(x, gconv.inType);
    const plainW = randn([channels, channels, 3, 3], { generator: g }).keep();
    const plainB = randn([channels], { generator: g }).keep();
    const plain = readBack(() => conv2d(x, plainW, plainB, { padding: 1 }));
    gconv.eval();
    const evalMode = await timeInterleaved(
      { plain, groupConvEval: readBack(() => gconv.forward(gx).tensor) },
      { runs: name === 'cpu' ? 15 : 7, warmup: 2 },
    );
    gconv.train();
    const trainMode = await timeInterleaved(
      { plain, groupConvTrain: readBack(() => gconv.forward(gx).tensor) },
      { runs: name === 'cpu' ? 9 : 5, warmup: 1 },
    );
    const row = {
      shape: `[${batch}, ${channels}, ${size}, ${size}] 3×3, ${channels}→${channels}`,
      plainMs: evalMode.plain,
      evalRatio: evalMode.groupConvEval / evalMode.plain,
      trainRatio: trainMode.groupConvTrain / trainMode.plain,
    };
    rows.push(row);
    console.log(
      `${name} p4 GroupConv ${row.shape}: eval / plain = ${row.evalRatio.toFixed(2)}, training (expand + conv) / plain = ${row.trainRatio.toFixed(2)}`,
    );
    x.dispose();
    plainW.dispose();
    plainB.dispose();
  }
  // A steerable C8 layer: eval mode is one plain conv2d as well.
  const c8 = cyclicGroup(8);
  const r2 = new R2Conv(FieldType.regular(c8, 4), FieldType.regular(c8, 4), 5, {
    generator: new Generator(1),
  });
  const x = randn([4, 32, 21, 21], { generator: new Generator(2) }).keep();
  const w = randn([32, 32, 5, 5], { generator: new Generator(3) }).keep();
  const b = randn([32], { generator: new Generator(4) }).keep();
  r2.eval();
  const gx = new GeometricTensor(x, r2.inType);
  const steer = await timeInterleaved(
    {
      plain: readBack(() => conv2d(x, w, b, { padding: 2 })),
      r2convEval: readBack(() => r2.forward(gx).tensor),
    },
    { runs: name === 'cpu' ? 25 : 7, warmup: 2 },
  );
  const r2row = {
    shape: '[4, 32, 21, 21] 5×5 C8 regular×4 → regular×4',
    evalRatio: steer.r2convEval / steer.plain,
  };
  console.log(`${name} R2Conv ${r2row.shape}: eval / plain = ${r2row.evalRatio.toFixed(2)}`);
  return { backend: name, groupConv: rows, r2conv: r2row };
}

const results = [];
for (const b of backends) {
  const r = await benchBackend(b);
  if (r) results.push(r);
}
const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
for (const r of results)
  writeFileSync(join(dir, `gconv-${r.backend}.json`), `${JSON.stringify(r, null, 2)}\n`);
process.exit(0);
