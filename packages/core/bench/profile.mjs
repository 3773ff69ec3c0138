#!/usr/bin/env node
/**
 * Runs one benchmark row's implementation in a loop, for CPU profiling:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs add-broadcast [--impl tfjs] [--seconds 5]
 *   node bench/cpuprofile-summary.mjs /tmp/prof/<file>.cpuprofile
 */

import { parseArgs } from 'node:util';
import { loadErlangen, loadTfjs } from './libs.mjs';
import { ROWS } from './rows.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { impl: { type: 'string', default: 'erlangen' }, seconds: { type: 'string', default: '5' } },
});
const row = ROWS.find((r) => r.id === positionals[0]);
if (!row || !['erlangen', 'tfjs'].includes(values.impl)) {
  console.error(
    `usage: node bench/profile.mjs <${ROWS.map((r) => r.id).join('|')}> [--impl erlangen|tfjs] [--seconds N]`,
  );
  process.exit(1);
}
const [E, tf] = await Promise.all([loadErlangen(), loadTfjs()]);
const bench = row.setup(E, tf);
const run = bench[values.impl];
const end = performance.now() + Number(values.seconds) * 1000;
let n = 0;
const t0 = performance.now();
while (performance.now() < end) {
  run();
  n++;
}
console.error(
  `${row.id} (${values.impl}): ${n} runs, ${((performance.now() - t0) / n).toFixed(2)} ms per run`,
);
bench.dispose();
