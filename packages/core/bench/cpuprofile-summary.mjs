#!/usr/bin/env node
/** Self time per function in a V8 .cpuprofile (from `node --cpu-prof`), largest first. */

import { readFile } from 'node:fs/promises';

const [path, top = '20'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node bench/cpuprofile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(1);
}
const profile = JSON.parse(await readFile(path, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Samples are taken at fixed intervals; timeDeltas[i] is the time before sample i.
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const file = url ? url.split('/').slice(-2).join('/') : '';
  const key = `${functionName || '(anonymous)'}  ${file}${file ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [key, us] of rows) {
  console.log(
    `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`,
  );
}
