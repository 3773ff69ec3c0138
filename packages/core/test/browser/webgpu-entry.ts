/**
 * Browser entry of the WebGPU check, bundled by test/webgpu.browser.test.ts and run in headless
 * Chromium, where the backend gets its device from `navigator.gpu` (the Node suite uses Dawn):
 * kernel parity with the CPU on shapes that are not multiples of the tile sizes, and the gradients
 * of a small MLP and conv net.
 */
import {
  concat,
  conv2d,
  indexAdd,
  indexSelect,
  registerWebGPUBackend,
  setBackend,
  softmax,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { compareWithCpu, randomTensors, type Tol, trainingGradientsParity } from '../parity-helpers.js';

declare global {
  interface Window {
    runWebGPUCheck(): Promise<{
      adapter: string;
      ran: number;
      failures: { name: string; message: string }[];
    }>;
  }
}

window.runWebGPUCheck = async () => {
  registerWebGPUBackend();
  await setBackend('webgpu');
  const adapter = navigator.gpu ? 'navigator.gpu' : 'none';
  await setBackend('cpu');
  const MM: Tol = { rtol: 1e-4, atol: 1e-5 };
  const FN: Tol = { rtol: 2e-5, atol: 2e-6 };
  const randT = randomTensors(3);
  const dev = (t: Tensor) => t.to('webgpu');
  const compare = (
    a: Parameters<typeof compareWithCpu>[0],
    e: Parameters<typeof compareWithCpu>[1],
    tol: Tol,
    what: string,
  ) => compareWithCpu(a, e, tol, what, 'webgpu');
  const parity = async (f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], tol: Tol, what: string) => {
    const c = f(...inputs);
    const g = f(...inputs.map(dev));
    if (g.backend.name !== 'webgpu') throw new Error(`${what}: result on ${g.backend.name}`);
    compare(await g.data(), await c.data(), tol, what);
  };
  const cases: [string, () => Promise<void>][] = [
    [
      'matmul 67×129 · 129×33 (partial tiles)',
      () => parity((a, b) => a.matmul(b), [randT([67, 129]), randT([129, 33])], MM, 'matmul'),
    ],
    [
      'batched matmul with a transposed operand',
      () => parity((a, b) => a.matmul(b.transpose(1, 2)), [randT([3, 17, 9]), randT([3, 5, 9])], MM, 'bmm'),
    ],
    [
      'conv2d 2×3×11×13, 5 filters 3×3, stride 2, padding 1',
      () =>
        parity(
          (x, w) => conv2d(x, w, null, { stride: 2, padding: 1 }),
          [randT([2, 3, 11, 13]), randT([5, 3, 3, 3])],
          MM,
          'conv2d',
        ),
    ],
    [
      'broadcast add and exp/tanh/sigmoid',
      () =>
        parity(
          (a, b) => a.add(b).exp().tanh().add(a.sigmoid()),
          [randT([7, 1, 5]), randT([3, 5])],
          FN,
          'elementwise',
        ),
    ],
    [
      'sum and max over axes',
      () =>
        parity((a) => concat([a.sum([0, 2]), a.max(1).reshape([-1])]), [randT([6, 7, 9])], MM, 'reductions'),
    ],
    [
      'softmax over 1000 classes',
      () => parity((a) => softmax(a, -1), [randT([5, 1000], -8, 8)], MM, 'softmax'),
    ],
    [
      'gather and scatter-add',
      () =>
        parity(
          (a) => {
            const idx = tensor(Int32Array.from([3, 0, 3, 9, 1, 1, 7]), [7], 'int32').to(a.backend.name);
            return indexAdd(indexSelect(a, 0, idx).exp(), 0, idx, 12);
          },
          [randT([10, 6])],
          MM,
          'index ops',
        ),
    ],
    ['training gradients (MLP, conv net)', () => trainingGradientsParity(randT, dev, compare, MM)],
  ];
  const failures: { name: string; message: string }[] = [];
  for (const [name, run] of cases) {
    try {
      await run();
    } catch (e) {
      failures.push({ name, message: (e as Error).stack ?? String(e) });
    }
  }
  return { adapter, ran: cases.length, failures };
};
