/**
 * PyTorch parity: fixtures/ops.json holds inputs, outputs and gradients (of sum(out · w) for a
 * stored random w) computed by fixtures/gen_ops.py with torch in float64 on float32 inputs.
 *
 * Error measure, per case and per compared tensor (the output and each input gradient):
 *   rel = max|ours − torch| / max(max|torch|, 1e-6)
 * i.e. the worst absolute error relative to the tensor's scale, with a small absolute floor so that
 * all-zero references do not divide by zero. Every case must stay below 1e-5.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  avgPool2d,
  bmm,
  conv1d,
  conv2d,
  cumsum,
  elu,
  erf,
  gather,
  gelu,
  gradients,
  indexAdd,
  indexSelect,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maxPool2d,
  prod,
  scatterAdd,
  sigmoid,
  silu,
  softmax,
  softplus,
  std,
  type Tensor,
  tanh,
  tensor,
  tidy,
  variance,
} from '../src/index.js';

interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: number[];
}
interface FixtureCase {
  name: string;
  op: string;
  args: any;
  inputs: FixtureTensor[];
  weight: number[];
  output: { shape: number[]; data: number[] };
  grads: (number[] | null)[];
}

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = JSON.parse(readFileSync(join(here, 'fixtures', 'ops.json'), 'utf8')) as {
  torch: string;
  cases: FixtureCase[];
};

const TOLERANCE = 1e-5;
const FLOOR = 1e-6;

const UNARY: Record<string, (x: Tensor) => Tensor> = {
  gelu,
  erf,
  softplus,
  elu: (x) => elu(x),
  logSigmoid,
  silu,
  sigmoid,
  tanh,
  leakyRelu: (x) => leakyRelu(x, 0.01),
};

const OPS: Record<string, (xs: Tensor[], o: any) => Tensor> = {
  matmul: ([a, b]) => matmul(a!, b!),
  bmm: ([a, b], o) => bmm(a!, b!, o),
  conv2d: ([x, w, b], o) => conv2d(x!, w!, b ?? null, o),
  conv1d: ([x, w, b], o) => conv1d(x!, w!, b ?? null, o),
  maxPool2d: ([x], o) => maxPool2d(x!, o.kernelSize, o),
  avgPool2d: ([x], o) => avgPool2d(x!, o.kernelSize, o),
  logSoftmax: ([x], o) => logSoftmax(x!, o.axis),
  softmax: ([x], o) => softmax(x!, o.axis),
  logsumexp: ([x], o) => logsumexp(x!, o.axis ?? undefined, o.keepDims),
  scatterAdd: ([s, i], o) => scatterAdd(s!, i!, o.axis, o.dimSize),
  indexAdd: ([s, i], o) => indexAdd(s!, o.axis, i!, o.dimSize),
  gather: ([x, i], o) => gather(x!, o.axis, i!),
  indexSelect: ([x, i], o) => indexSelect(x!, o.axis, i!),
  cumsum: ([x], o) => cumsum(x!, o.axis),
  variance: ([x], o) => variance(x!, o.axis ?? undefined, { correction: o.correction, keepDims: o.keepDims }),
  std: ([x], o) => std(x!, o.axis ?? undefined, { correction: o.correction, keepDims: o.keepDims }),
  prod: ([x], o) => prod(x!, o.axis),
  max: ([x], o) => max(x!, o.axis),
  unary: ([x], o) => UNARY[o.fn]!(x!),
};

/** Op family for the summary: 'conv2d', 'max_pool2d', 'var', … (the fixture name's first word). */
const familyOf = (c: FixtureCase) => c.name.split(' ')[0]!;

function relError(ours: ArrayLike<number>, ref: readonly number[]): number {
  let scale = FLOOR;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i]! - ref[i]!);
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst / scale;
}

const worstByFamily = new Map<string, number>();

describe(`PyTorch parity (fixtures from torch ${fixtures.torch})`, () => {
  it('has fixtures for every required family', () => {
    const families = new Set(fixtures.cases.map(familyOf));
    for (const f of [
      'matmul',
      'bmm',
      'conv2d',
      'conv1d',
      'max_pool2d',
      'avg_pool2d',
      'log_softmax',
      'softmax',
      'scatter_add',
      'index_add',
      'gather',
      'index_select',
      'logsumexp',
      'cumsum',
      'var',
      'std',
    ]) {
      expect(families.has(f), f).toBe(true);
    }
  });
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const op = OPS[c.op];
      expect(op, `no dispatch for op '${c.op}'`).toBeDefined();
      const errors = tidy(() => {
        const inputs = c.inputs.map((t) => tensor(t.data, t.shape, t.dtype));
        const leaves = inputs.map((t) => (t.dtype === 'float32' ? t.requireGrad() : t));
        const out = op!(leaves, c.args);
        expect(out.shape).toEqual(c.output.shape);
        const result: number[] = [relError(out.dataSync(), c.output.data)];
        const wanted = leaves.filter((t) => t.dtype === 'float32');
        const grads = gradients(out, wanted, { gradOutputs: [tensor(c.weight, c.output.shape)] });
        let k = 0;
        c.inputs.forEach((t, i) => {
          if (t.dtype !== 'float32') return;
          const g = grads[k++]!;
          const ref = c.grads[i];
          expect(ref, `torch gave no gradient for input ${i}`).toBeTruthy();
          expect(g.shape).toEqual(t.shape);
          result.push(relError(g.dataSync(), ref!));
        });
        return result;
      });
      const worst = Math.max(...errors);
      const family = familyOf(c);
      worstByFamily.set(family, Math.max(worstByFamily.get(family) ?? 0, worst));
      expect(
        worst,
        `errors (output, then grads): ${errors.map((e) => e.toExponential(2)).join(', ')}`,
      ).toBeLessThan(TOLERANCE);
    });
  }
  afterAll(() => {
    const rows = [...worstByFamily].map(([f, e]) => `  ${f.padEnd(14)} ${e.toExponential(2)}`);
    console.info(
      `worst relative error vs torch per op family (max|ours − torch| / max|torch|):\n${rows.join('\n')}`,
    );
  });
});
