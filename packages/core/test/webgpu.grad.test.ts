import { afterAll, describe, expect, it } from 'vitest';
import * as E from '../src/index.js';
import {
  cast,
  enableGrad,
  Generator,
  gradients,
  nn,
  randn,
  setBackend,
  type Tensor,
  type TypedArray,
  tensor,
} from '../src/index.js';
import { compareArrays, randomTensors, setUpWebGPU, type Tol } from './webgpu-setup.js';

// Gradient parity of the 'webgpu' backend with the CPU reference: every differentiable op of the
// core (src/ops, nn.functional) runs forward and backward on both backends from the same inputs
// and output cotangents, and the outputs and every input gradient must agree. The CPU gradients
// themselves are checked against finite differences in the ops-*.test.ts suites, so this closes
// the loop for the GPU. Shapes are chosen so no size is a multiple of a tile size (matmul tiles
// are 64, workgroups 256), with size-1 axes and a few long axes (the tree-reduction and
// multi-tile paths). Without an adapter the suite is skipped with the reason, except under CI=true.

const { backend, unavailable, skip } = await setUpWebGPU();
const u = randomTensors(1000);
const F = nn.functional;

/** float32 rounding on both sides; the GPU sums in a different order (tiles, trees, atomics). */
const TOL: Tol = { rtol: 1e-4, atol: 1e-5 };
/** Long sums (thousands of terms) and float atomics accumulate more rounding. */
const LOOSE: Tol = { rtol: 1e-3, atol: 1e-4 };

const ints = (values: number[], shape = [values.length]) => tensor(Int32Array.from(values), shape);
/** Random int32 indices in [0, hi). */
const indices = (shape: number[], hi: number) => cast(E.floor(u(shape, 0, hi - 1e-3)), 'int32');

interface GradCase {
  name: string;
  /** One or more outputs; float32 inputs are differentiated, others (indices) pass through. */
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Fresh CPU inputs. */
  inputs: () => Tensor[];
  tol?: Tol;
  /** Not differentiable in the core (mod): only the forward values are compared. */
  forwardOnly?: boolean;
}

const unary = (
  name: string,
  f: (x: Tensor) => Tensor | Tensor[],
  lo = -2,
  hi = 2,
  shape = [3, 1, 37],
): GradCase => ({
  name,
  fn: f,
  inputs: () => [u(shape, lo, hi)],
});

const binaryShapes: [number[], number[]] = [
  [4, 1, 19],
  [5, 1],
];
const binary = (name: string, f: (a: Tensor, b: Tensor) => Tensor, lo = -2, hi = 2): GradCase => ({
  name,
  fn: f,
  inputs: () => [u(binaryShapes[0], lo, hi), u(binaryShapes[1], lo, hi)],
});

const CASES: GradCase[] = [
  // ---- elementwise (src/ops/elementwise.ts)
  unary('neg', E.neg),
  unary('abs', E.abs),
  unary('exp', E.exp),
  unary('expm1', E.expm1),
  unary('log', E.log, 0.1, 3),
  unary('log1p', E.log1p, -0.5, 3),
  unary('sqrt', E.sqrt, 0.1, 3),
  unary('rsqrt', E.rsqrt, 0.2, 3),
  unary('square', E.square),
  unary('reciprocal', E.reciprocal, 0.2, 3),
  unary('sin', E.sin),
  unary('cos', E.cos),
  unary('tan', E.tan, -1.2, 1.2),
  unary('asin', E.asin, -0.9, 0.9),
  unary('acos', E.acos, -0.9, 0.9),
  unary('atan', E.atan),
  unary('sinh', E.sinh),
  unary('cosh', E.cosh),
  unary('tanh', E.tanh),
  unary('sigmoid', E.sigmoid),
  unary('relu', E.relu),
  unary('erf', E.erf),
  unary('floor/ceil/round (zero gradient)', (x) => E.floor(x).add(E.ceil(x)).add(E.round(x)).mul(x)),
  unary('clamp', (x) => E.clamp(x, -0.5, 0.7)),
  unary('size-1 and long', (x) => x.exp().mul(x), -1, 1, [1, 5001]),
  binary('add', E.add),
  binary('sub', E.sub),
  binary('mul', E.mul),
  binary('div', (a, b) => E.div(a, b.abs().add(0.5))),
  binary('pow', E.pow, 0.2, 2),
  binary('maximum', E.maximum),
  binary('minimum', E.minimum),
  { ...binary('mod', E.mod, 0.3, 3), forwardOnly: true },
  binary('atan2', E.atan2),
  {
    name: 'where (broadcast)',
    fn: (c, a, b) => E.where(c!.gt(0), a!, b!),
    inputs: () => [u([3, 1, 5]), u([4, 5]), u([1])],
  },

  // ---- activations (src/ops/activation.ts)
  unary('softmax', (x) => E.softmax(x, -1), -3, 3, [6, 23]),
  unary('softmax axis 0', (x) => E.softmax(x, 0), -3, 3, [6, 23]),
  unary('softmax long row', (x) => E.softmax(x, -1), -3, 3, [3, 2000]),
  unary('logSoftmax', (x) => E.logSoftmax(x, 1), -3, 3, [5, 7, 3]),
  unary('leakyRelu', (x) => E.leakyRelu(x, 0.1)),
  unary('elu', (x) => E.elu(x, 0.7)),
  unary('softplus', E.softplus, -4, 4),
  unary('logSigmoid', E.logSigmoid, -4, 4),
  unary('silu', E.silu),
  unary('gelu', E.gelu),

  // ---- reductions (src/ops/reduce.ts)
  unary('sum axis', (x) => E.sum(x, 1), -1, 1, [5, 37, 3]),
  unary('sum axes 0,2 keepDims', (x) => E.sum(x, [0, 2], true), -1, 1, [5, 37, 3]),
  unary('sum all', (x) => E.sum(x), -1, 1, [7, 1, 9]),
  unary('sum long rows', (x) => E.sum(x, 1), -1, 1, [2, 3001, 3]),
  unary('mean', (x) => E.mean(x, [1, 2]), -1, 1, [4, 6, 5]),
  unary('max', (x) => E.max(x, 1), -1, 1, [5, 37, 3]),
  unary('min all', (x) => E.min(x), -1, 1, [5, 37]),
  unary('max long row', (x) => E.max(x, -1), -1, 1, [2, 4001]),
  unary('logsumexp', (x) => E.logsumexp(x, 1), -3, 3, [5, 37, 3]),
  unary('variance', (x) => E.variance(x, 1, { correction: 1 }), -1, 1, [5, 37, 3]),
  unary('std', (x) => E.std(x, [0, 2]), -1, 1, [5, 37, 3]),
  unary('cumsum', (x) => E.cumsum(x, 1), -1, 1, [5, 37, 3]),
  unary('cumsum exclusive reverse', (x) => E.cumsum(x, 0, { exclusive: true, reverse: true }), -1, 1, [9, 4]),
  unary('prod', (x) => E.prod(x, 1), 0.5, 1.5, [5, 7, 3]),

  // ---- linear algebra (src/ops/linalg.ts)
  {
    name: 'matmul 1×1',
    fn: E.matmul,
    inputs: () => [u([1, 1]), u([1, 1])],
  },
  {
    name: 'matmul 130×67 @ 67×150 (partial tiles)',
    fn: E.matmul,
    inputs: () => [u([130, 67]), u([67, 150])],
  },
  { name: 'matmul vector @ matrix', fn: E.matmul, inputs: () => [u([33]), u([33, 5])] },
  { name: 'matmul matrix @ vector', fn: E.matmul, inputs: () => [u([6, 33]), u([33])] },
  {
    name: 'matmul batch broadcast',
    fn: E.matmul,
    inputs: () => [u([3, 17, 70]), u([1, 70, 9])],
  },
  {
    name: 'bmm transA transB',
    fn: (a, b) => E.bmm(a!, b!, { transA: true, transB: true }),
    inputs: () => [u([2, 40, 19]), u([2, 65, 40])],
  },
  {
    name: 'linear',
    fn: (x, w, b) => F.linear(x!, w!, b!),
    inputs: () => [u([11, 13]), u([7, 13]), u([7])],
  },

  // ---- movement (src/ops/movement.ts)
  unary('reshape', (x) => E.reshape(x, [15, 14]).mul(x.reshape([15, 14])), -1, 1, [3, 5, 14]),
  unary('flatten', (x) => E.flatten(x, 1).square(), -1, 1, [3, 5, 2, 7]),
  unary('squeeze/unsqueeze', (x) => E.unsqueeze(E.squeeze(x, 1), 0).square(), -1, 1, [3, 1, 5]),
  unary('permute', (x) => E.permute(x, [2, 0, 3, 1]).square(), -1, 1, [3, 5, 7, 2]),
  unary('transpose', (x) => E.transpose(x, 0, 2).exp(), -1, 1, [3, 5, 7]),
  unary('expand', (x) => E.expand(x, [4, 3, 5]).mul(E.expand(x, [4, 3, 5])), -1, 1, [3, 1]),
  unary('slice', (x) => E.slice(x, [[1, 3], null, [2, 7]]).square(), -1, 1, [3, 5, 7]),
  unary('narrow', (x) => E.narrow(x, 1, 2, 3).square(), -1, 1, [3, 5, 7]),
  unary('select', (x) => E.select(x, 2, 1).square(), -1, 1, [3, 5, 7]),
  unary('flip', (x) => E.flip(x, [0, 2]).mul(x), -1, 1, [3, 5, 7]),
  {
    name: 'concat',
    fn: (a, b, c) => E.concat([a!, b!, c!], 1).square(),
    inputs: () => [u([2, 3, 4]), u([2, 1, 4]), u([2, 5, 4])],
  },
  {
    name: 'stack',
    fn: (a, b) => E.stack([a!, b!], 1).square(),
    inputs: () => [u([3, 4]), u([3, 4])],
  },
  unary('split', (x) => E.split(x, [2, 5], 1).map((p, k) => p.square().mul(k + 1)), -1, 1, [3, 7]),
  unary(
    'pad constant (with crop)',
    (x) =>
      E.pad(
        x,
        [
          [1, 2],
          [-1, 3],
        ],
        'constant',
        0.5,
      ).square(),
    -1,
    1,
    [4, 6],
  ),
  unary(
    'pad circular',
    (x) =>
      E.pad(
        x,
        [
          [0, 0],
          [2, 1],
        ],
        'circular',
      ).square(),
    -1,
    1,
    [3, 5],
  ),
  unary('tile', (x) => E.tile(x, [2, 3]).square(), -1, 1, [3, 5]),
  unary('clone and cast', (x) => E.clone(x).mul(cast(x, 'float32')), -1, 1, [3, 5]),

  // ---- indexing (src/ops/indexing.ts): float atomics sum in any order on the GPU
  {
    name: 'indexSelect',
    fn: (x, i) => E.indexSelect(x!, 1, i!).square(),
    inputs: () => [u([6, 5, 3]), ints([4, 0, 0, 2, 4, 1, 3])],
  },
  {
    name: 'indexAdd (collisions)',
    fn: (s, i) => E.indexAdd(s!, 0, i!, 5).square(),
    inputs: () => [u([300, 3]), indices([300], 5)],
    tol: LOOSE,
  },
  {
    name: 'gather',
    fn: (x, i) => E.gather(x!, 1, i!).square(),
    inputs: () => [u([6, 5, 3]), indices([6, 4, 3], 5)],
  },
  {
    name: 'scatterAdd',
    fn: (s, i) => E.scatterAdd(s!, i!, 1, 5).square(),
    inputs: () => [u([6, 4, 3]), indices([6, 4, 3], 5)],
    tol: LOOSE,
  },
  {
    name: 'scatterMean',
    fn: (s, i) => E.scatterMean(s!, i!, 0, 4).square(),
    inputs: () => [u([9, 2]), ints([0, 3, 3, 1, 0, 3, 1, 1, 3, 0, 0, 3, 1, 3, 1, 3, 0, 0], [9, 2])],
    tol: LOOSE,
  },
  {
    name: 'embedding (paddingIdx)',
    fn: (i, w) => F.embedding(i!, w!, { paddingIdx: 2 }).square(),
    inputs: () => [ints([1, 2, 0, 4, 1, 3], [2, 3]), u([5, 7])],
  },

  // ---- convolution and pooling (src/ops/conv.ts)
  {
    name: 'conv2d + bias, padding 1',
    fn: (x, w, b) => E.conv2d(x!, w!, b!, { padding: 1 }),
    inputs: () => [u([2, 3, 9, 11]), u([4, 3, 3, 3]), u([4])],
  },
  {
    name: 'conv2d grouped, strided, dilated',
    fn: (x, w) => E.conv2d(x!, w!, null, { stride: [2, 1], padding: [2, 0], dilation: 2, groups: 2 }),
    inputs: () => [u([1, 4, 10, 7]), u([6, 2, 3, 2])],
  },
  {
    name: 'conv2d 1×1, size-1 channels',
    fn: (x, w) => E.conv2d(x!, w!),
    inputs: () => [u([3, 1, 5, 5]), u([2, 1, 1, 1])],
  },
  {
    name: 'conv2d large image',
    fn: (x, w) => E.conv2d(x!, w!, null, { padding: 2 }),
    inputs: () => [u([2, 2, 67, 45]), u([3, 2, 5, 5])],
    tol: LOOSE,
  },
  {
    name: 'conv1d',
    fn: (x, w, b) => E.conv1d(x!, w!, b!, { padding: 1, stride: 2 }),
    inputs: () => [u([2, 3, 17]), u([5, 3, 3]), u([5])],
  },
  unary('maxPool2d', (x) => E.maxPool2d(x, 3, { stride: 2, padding: 1 }), -1, 1, [2, 3, 9, 8]),
  unary('maxPool2d dilated', (x) => E.maxPool2d(x, 2, { dilation: 2 }), -1, 1, [1, 2, 7, 9]),
  unary('avgPool2d', (x) => E.avgPool2d(x, 3, { stride: 2, padding: 1 }), -1, 1, [2, 3, 9, 8]),
  unary('globalAvgPool2d', E.globalAvgPool2d, -1, 1, [2, 3, 5, 7]),

  // ---- nn.functional: normalisation, dropout, losses
  {
    name: 'layerNorm',
    fn: (x, w, b) => F.layerNorm(x!, [7], w!, b!),
    inputs: () => [u([3, 5, 7]), u([7]), u([7])],
  },
  {
    name: 'batchNorm (training, batch statistics)',
    fn: (x, w, b) => F.batchNorm(x!, null, null, w!, b!, { training: true }),
    inputs: () => [u([4, 3, 5, 2]), u([3]), u([3])],
  },
  {
    name: 'batchNorm (eval, running statistics)',
    fn: (x, m, v) => F.batchNorm(x!, m!.detach(), v!.detach().abs().add(0.5)),
    inputs: () => [u([4, 3, 5]), u([3]), u([3])],
  },
  {
    name: 'dropout (same Threefry mask on both backends)',
    fn: (x) => F.dropout(x!, 0.3, true, { generator: new Generator(5) }),
    inputs: () => [u([7, 33])],
  },
  {
    name: 'crossEntropy (label smoothing)',
    fn: (x, t) => F.crossEntropy(x!, t!, { labelSmoothing: 0.1 }),
    inputs: () => [u([9, 5], -3, 3), indices([9], 5)],
  },
  {
    name: 'crossEntropy [N, C, d] with ignoreIndex',
    fn: (x, t) => F.crossEntropy(x!, t!, { ignoreIndex: 0 }),
    inputs: () => [u([3, 4, 5], -3, 3), indices([3, 5], 4)],
  },
  {
    name: 'nllLoss',
    fn: (x, t) => F.nllLoss(E.logSoftmax(x!, 1), t!, { reduction: 'sum' }),
    inputs: () => [u([9, 5], -3, 3), indices([9], 5)],
  },
  {
    name: 'mseLoss',
    fn: (x, t) => F.mseLoss(x!, t!, { reduction: 'none' }),
    inputs: () => [u([4, 7]), u([4, 7])],
  },
  { name: 'l1Loss', fn: (x, t) => F.l1Loss(x!, t!), inputs: () => [u([4, 7]), u([4, 7])] },
  {
    name: 'binaryCrossEntropy',
    fn: (p, t) => F.binaryCrossEntropy(p!, t!),
    inputs: () => [u([4, 7], 0.05, 0.95), u([4, 7], 0, 1)],
  },
  {
    name: 'binaryCrossEntropyWithLogits (posWeight)',
    fn: (x, t, pw) => F.binaryCrossEntropyWithLogits(x!, t!, { posWeight: pw! }),
    inputs: () => [u([4, 7], -3, 3), u([4, 7], 0, 1), u([7], 0.5, 2)],
  },
];

interface Evaluated {
  outputs: TypedArray[];
  grads: TypedArray[];
}

/**
 * Runs `c` on `inputs` moved to `backendName`: outputs, and the gradients of Σₖ ⟨outputₖ, Wₖ⟩ with
 * respect to every float32 input, where the Wₖ are the same fixed random cotangents on both backends.
 */
async function evaluate(c: GradCase, inputs: Tensor[], backendName: string): Promise<Evaluated> {
  const leaves = inputs.map((x) => {
    const moved = x.detach().to(backendName);
    return moved.dtype === 'float32' ? moved.requireGrad() : moved;
  });
  const outs = [enableGrad(() => c.fn(...leaves))].flat();
  const gen = new Generator(17);
  const cotangents = outs.map((o) => randn([...o.shape], { generator: gen }).to(backendName));
  const wanted = leaves.filter((x) => x.dtype === 'float32');
  const live = outs.map((o, k) => [o, cotangents[k]!] as const).filter(([o]) => o.requiresGrad);
  // Every output of a differentiable op must carry a graph, or its gradient would be silently zero.
  expect(live.length, `${c.name}: outputs that require grad`).toBe(c.forwardOnly ? 0 : outs.length);
  const grads = live.length
    ? gradients(
        live.map(([o]) => o),
        wanted,
        { gradOutputs: live.map(([, w]) => w) },
      )
    : [];
  for (const g of grads) expect(g.backend.name).toBe(backendName === 'cpu' ? 'cpu' : 'webgpu');
  const result = {
    outputs: await Promise.all(outs.map((o) => o.data())),
    grads: await Promise.all(grads.map((g) => g.data())),
  };
  for (const t of [...leaves, ...outs, ...cotangents, ...grads]) t.dispose();
  return result;
}

describe.skipIf(skip)('webgpu gradients match cpu for every differentiable op', { timeout: 60_000 }, () => {
  afterAll(async () => {
    await setBackend('cpu');
    // Dawn's worker threads must stop before the process exits, or lavapipe aborts at exit.
    backend?.destroy();
  });

  it('has an adapter', () => {
    expect(unavailable).toBeNull();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const inputs = c.inputs();
    const cpu = await evaluate(c, inputs, 'cpu');
    const gpu = await evaluate(c, inputs, 'webgpu');
    const tol = c.tol ?? TOL;
    expect(gpu.outputs.length).toBe(cpu.outputs.length);
    expect(gpu.grads.length).toBe(cpu.grads.length);
    cpu.outputs.forEach((v, k) => {
      compareArrays(gpu.outputs[k]!, v, tol, `${c.name}: output ${k}`);
    });
    cpu.grads.forEach((v, k) => {
      compareArrays(gpu.grads[k]!, v, tol, `${c.name}: gradient of input ${k}`);
    });
    for (const x of inputs) x.dispose();
  });
});
