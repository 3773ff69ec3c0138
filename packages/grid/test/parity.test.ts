import { readFileSync } from 'node:fs';
import { noGrad, tensor, tidy } from '@erlangen/core';
import { describe, expect, it } from 'vitest';
import { cyclicGroup, dihedralGroup, GeometricTensor, GroupConv, LiftingConv } from '../src/index.js';
import { maxAbs, maxAbsDiff } from './helpers.js';

/**
 * Parity with GrouPy's filter transform and SplitGConv2D forward, re-implemented in PyTorch
 * (float64) by test/fixtures/make_gconv.py. Our layers run in float32 on the same weights and input.
 */
interface Array_ {
  shape: number[];
  data: number[];
}
interface Layer {
  weight: Array_;
  bias: number[];
  bank: Array_;
  out: Array_;
}
interface Case {
  name: string;
  group: 'C4' | 'D4';
  kernelSize: number;
  x: Array_;
  lifting: Layer;
  group_conv: Layer;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/gconv.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('parity with GrouPy (PyTorch reference, test/fixtures/make_gconv.py)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    '%s: filter banks and outputs of lifting + group conv',
    (_, c) => {
      const group = c.group === 'C4' ? cyclicGroup(4) : dihedralGroup(4);
      const k = c.kernelSize;
      const [, cin] = c.x.shape as [number, number];
      const hidden = c.lifting.weight.shape[0]!;
      const cout = c.group_conv.weight.shape[0]!;
      const lift = new LiftingConv(group, cin, hidden, k);
      const conv = new GroupConv(group, hidden, cout, k);
      noGrad(() => {
        lift.weight.assign(tensor(Float32Array.from(c.lifting.weight.data), c.lifting.weight.shape));
        lift.bias!.assign(tensor(Float32Array.from(c.lifting.bias), [hidden]));
        conv.weight.assign(tensor(Float32Array.from(c.group_conv.weight.data), c.group_conv.weight.shape));
        conv.bias!.assign(tensor(Float32Array.from(c.group_conv.bias), [cout]));
      });
      tidy(() => {
        // Banks are gathers of the same numbers: equal up to float32 rounding of the inputs.
        expect(maxAbsDiff(lift.filterBank().dataSync(), c.lifting.bank.data)).toBeLessThan(1e-7);
        expect(maxAbsDiff(conv.filterBank().dataSync(), c.group_conv.bank.data)).toBeLessThan(1e-7);
        const x = new GeometricTensor(tensor(Float32Array.from(c.x.data), c.x.shape), lift.inType);
        const y1 = lift.forward(x);
        expect(y1.shape).toEqual(c.lifting.out.shape);
        expect(
          maxAbsDiff(y1.tensor.dataSync(), c.lifting.out.data) / maxAbs(c.lifting.out.data),
        ).toBeLessThan(1e-5);
        const y2 = conv.forward(new GeometricTensor(y1.tensor.relu(), conv.inType));
        expect(y2.shape).toEqual(c.group_conv.out.shape);
        expect(
          maxAbsDiff(y2.tensor.dataSync(), c.group_conv.out.data) / maxAbs(c.group_conv.out.data),
        ).toBeLessThan(1e-5);
      });
    },
  );
});
