import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend/cpu/index.js';
import { getBackend, optim, registerBackend, setBackend, type Tensor, tensor } from '../src/index.js';
import { uniformValues } from './parity-helpers.js';

// The wasm kernels' fused Adam step (`adamStep`, used by the default cpu backend) against the
// composed update on the TypeScript kernels: the same float32 operations in the same order, so
// parameters and moments must be bit-identical after several steps.

registerBackend('typescript-composed-adam', () => new CpuBackend());

async function train(
  backend: string,
  make: (params: Tensor[]) => optim.Adam | optim.AdamW,
): Promise<Float32Array[]> {
  const previous = getBackend();
  await setBackend(backend);
  try {
    // 37 and 5 elements: a SIMD body and a scalar tail.
    const params = [
      tensor(uniformValues(37, 1), [37]).requireGrad(),
      tensor(uniformValues(5, 2), [5]).requireGrad(),
    ];
    const opt = make(params);
    for (let step = 0; step < 6; step++) {
      opt.zeroGrad();
      const target = tensor(uniformValues(37, 10 + step), [37]);
      // Only ops whose wasm and TypeScript kernels are bit-identical, so both get the same gradients.
      params[0]!.sub(target).square().sum().add(params[1]!.square().mul(3).sum()).backward();
      opt.step();
    }
    const state = params.flatMap((p) => {
      const s = opt.state.get(p) as Record<string, Tensor>;
      return [s.exp_avg!, s.exp_avg_sq!];
    });
    return [...params, ...state].map((t) => Float32Array.from(t.dataSync()));
  } finally {
    await setBackend(previous);
  }
}

describe('fused Adam step (wasm kernels) against the composed update', () => {
  afterAll(async () => setBackend('cpu'));
  const cases: [string, (p: Tensor[]) => optim.Adam | optim.AdamW][] = [
    ['Adam', (p) => new optim.Adam(p, { lr: 0.05 })],
    [
      'Adam with L2 weight decay',
      (p) => new optim.Adam(p, { lr: 0.05, weightDecay: 0.1, betas: [0.8, 0.99] }),
    ],
    ['AdamW (decoupled decay)', (p) => new optim.AdamW(p, { lr: 0.05, weightDecay: 0.1, eps: 1e-6 })],
    ['Adam amsgrad (composed on both)', (p) => new optim.Adam(p, { lr: 0.05, amsgrad: true })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: parameters and moments bit-identical after 6 steps`, async () => {
      const fused = await train('cpu', make);
      const composed = await train('typescript-composed-adam', make);
      expect(fused.map((a) => Array.from(a))).toEqual(composed.map((a) => Array.from(a)));
    });
  }
});
