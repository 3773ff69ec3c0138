/**
 * Layers: output shapes, torch semantics, train/eval behaviour, and gradients against central finite
 * differences (gradCheck in nn-helpers: float32, eps 1e-2, tolerance 1e-3 + 1e-2·scale).
 */
import { describe, expect, it } from 'vitest';
import { Generator, nn, randn, type Tensor, tensor } from '../src/index.js';
import { errorOf, gradCheck, values } from './nn-helpers.js';

const gen = (seed: number) => ({ generator: new Generator(seed) });
const small = (shape: number[], seed: number, scale = 1) => randn(shape, gen(seed)).mul(scale);

/** Gradient check of a module's forward w.r.t. its input and every parameter. */
function checkModule(m: nn.Module, x: Tensor, opts: { inputGrad?: boolean; eps?: number } = {}): void {
  const params = m.parameters();
  const originals = params.map((p) => p.clone().keep());
  // Substitute the probed values for the parameters by loading them, then restore.
  const names = m.namedParameters().map(([n]) => n);
  const fn = (...xs: Tensor[]) => {
    const [input, ...ps] = xs;
    const saved = names.map((n, i) => [n, params[i]!] as const);
    saved.forEach(([n], i) => {
      setPath(m, n, ps[i]!);
    });
    try {
      return m.forward(input!);
    } finally {
      saved.forEach(([n, p]) => {
        setPath(m, n, p);
      });
    }
  };
  const wrt = [...(opts.inputGrad === false ? [] : [0]), ...params.map((_, i) => i + 1)];
  gradCheck(fn, [x, ...originals], { wrt, eps: opts.eps ?? 1e-2 });
}

function setPath(root: any, path: string, value: Tensor): void {
  const parts = path.split('.');
  let obj = root;
  for (const p of parts.slice(0, -1)) obj = obj[p];
  obj[parts[parts.length - 1]!] = value;
}

describe('Linear', () => {
  it('has torch shapes and initialisation bounds', () => {
    const lin = new nn.Linear(50, 7, gen(0));
    expect(lin.weight.shape).toEqual([7, 50]);
    expect(lin.bias!.shape).toEqual([7]);
    const bound = 1 / Math.sqrt(50);
    const w = values(lin.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // A uniform on [−b, b] has standard deviation b/√3.
    const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.8 * (bound / Math.sqrt(3)));
    expect(std).toBeLessThan(1.2 * (bound / Math.sqrt(3)));
    expect(Math.max(...values(lin.bias!).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(new nn.Linear(3, 2, { bias: false }).parameters()).toHaveLength(1);
  });

  it('is reproducible from a generator', () => {
    expect(values(new nn.Linear(4, 3, gen(7)).weight)).toEqual(values(new nn.Linear(4, 3, gen(7)).weight));
    expect(values(new nn.Linear(4, 3, gen(7)).weight)).not.toEqual(
      values(new nn.Linear(4, 3, gen(8)).weight),
    );
  });

  it('maps [..., in] to [..., out]', () => {
    const lin = new nn.Linear(4, 3);
    expect(lin.forward(randn([2, 5, 4])).shape).toEqual([2, 5, 3]);
    expect(lin.forward(randn([4])).shape).toEqual([3]);
    expect(errorOf(() => lin.forward(randn([2, 5])))).toContain("argument 'x'");
    expect(errorOf(() => new nn.Linear(0, 3))).toContain("argument 'inFeatures'");
  });

  it('gradients match finite differences', () => {
    checkModule(new nn.Linear(3, 2, gen(1)), small([2, 3], 2));
    checkModule(new nn.Linear(3, 2, { bias: false, ...gen(1) }), small([2, 2, 3], 3));
  });
});

describe('Conv2d and pooling', () => {
  it('has torch shapes and bound 1/√fanIn', () => {
    const conv = new nn.Conv2d(4, 6, 3, { groups: 2, ...gen(0) });
    expect(conv.weight.shape).toEqual([6, 2, 3, 3]);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(Math.max(...values(conv.weight).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(conv.forward(randn([1, 4, 8, 8])).shape).toEqual([1, 6, 6, 6]);
    expect(
      new nn.Conv2d(3, 5, [3, 1], { stride: 2, padding: [1, 0] }).forward(randn([2, 3, 9, 9])).shape,
    ).toEqual([2, 5, 5, 5]);
    expect(errorOf(() => new nn.Conv2d(4, 6, 3, { groups: 4 }))).toContain("argument 'groups'");
  });

  it('Conv2d gradients match finite differences', () => {
    checkModule(new nn.Conv2d(2, 2, 2, { padding: 1, ...gen(4) }), small([1, 2, 3, 3], 5));
    checkModule(new nn.Conv2d(2, 2, 2, { stride: 2, groups: 2, ...gen(4) }), small([1, 2, 4, 4], 6));
  });

  it('MaxPool2d and AvgPool2d: shapes, values and gradients', () => {
    const x = tensor([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ]);
    expect(values(new nn.MaxPool2d(2).forward(x))).toEqual([6, 8, 14, 16]);
    expect(values(new nn.AvgPool2d(2).forward(x))).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(new nn.MaxPool2d(3, { stride: 1, padding: 1 }).forward(randn([2, 3, 5, 5])).shape).toEqual([
      2, 3, 5, 5,
    ]);
    // Distinct, well-separated values keep the max away from ties.
    const y = tensor(
      Float32Array.from([3, 1, 4, 9, 5, 2, 6, 8, 7, 0, 10, 15, 12, 14, 11, 13].map((v) => v * 0.3)),
      [1, 1, 4, 4],
    );
    checkModule(new nn.MaxPool2d(2), y);
    checkModule(new nn.AvgPool2d(2, { stride: 1 }), small([1, 2, 3, 3], 7));
  });
});

describe('activations', () => {
  const x = tensor([-2, -0.5, 0, 0.5, 2]);
  it('compute torch formulas', () => {
    expect(values(new nn.ReLU().forward(x))).toEqual([0, 0, 0, 0.5, 2]);
    expect(values(new nn.LeakyReLU(0.1).forward(x))).toEqual([-0.2, -0.05, 0, 0.5, 2].map(Math.fround));
    const sig = values(new nn.Sigmoid().forward(x));
    sig.forEach((v, i) => {
      expect(v).toBeCloseTo(1 / (1 + Math.exp(-[-2, -0.5, 0, 0.5, 2][i]!)), 6);
    });
    values(new nn.Tanh().forward(x)).forEach((v, i) => {
      expect(v).toBeCloseTo(Math.tanh([-2, -0.5, 0, 0.5, 2][i]!), 6);
    });
    values(new nn.SiLU().forward(x)).forEach((v, i) => {
      const t = [-2, -0.5, 0, 0.5, 2][i]!;
      expect(v).toBeCloseTo(t / (1 + Math.exp(-t)), 6);
    });
    // GELU(1) = Φ(1) ≈ 0.8413447; the tanh form ≈ 0.8411920.
    expect(new nn.GELU().forward(tensor([1])).item()).toBeCloseTo(0.8413447, 5);
    expect(new nn.GELU({ approximate: 'tanh' }).forward(tensor([1])).item()).toBeCloseTo(0.841192, 5);
    const sm = new nn.Softmax(1).forward(randn([3, 4]));
    values(sm.sum(1)).forEach((v) => {
      expect(v).toBeCloseTo(1, 6);
    });
    const lsm = new nn.LogSoftmax().forward(tensor([[1, 2, 3]]));
    values(lsm.exp().sum()).forEach((v) => {
      expect(v).toBeCloseTo(1, 6);
    });
  });

  it('gradients match finite differences (away from kinks)', () => {
    const z = tensor([
      [-1.3, -0.4, 0.35, 0.9],
      [1.7, -2.1, 0.6, -0.8],
    ]);
    for (const m of [
      new nn.ReLU(),
      new nn.LeakyReLU(0.2),
      new nn.GELU(),
      new nn.GELU({ approximate: 'tanh' }),
      new nn.Tanh(),
      new nn.Sigmoid(),
      new nn.SiLU(),
      new nn.Softmax(1),
      new nn.LogSoftmax(0),
    ]) {
      checkModule(m, z);
    }
  });
});

describe('Flatten', () => {
  it('merges startAxis..endAxis', () => {
    expect(new nn.Flatten().forward(randn([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 1).forward(randn([2, 3, 4])).shape).toEqual([6, 4]);
    checkModule(new nn.Flatten(), small([2, 2, 2], 3));
  });
});

describe('Dropout', () => {
  it('drops with probability p and rescales by 1/(1−p) in training', () => {
    const d = new nn.Dropout(0.25, gen(3));
    const y = values(d.forward(randn([100, 100]).mul(0).add(1)));
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(zeros).toBeGreaterThan(0.23);
    expect(zeros).toBeLessThan(0.27);
    expect(new Set(y.filter((v) => v !== 0).map((v) => v.toFixed(5)))).toEqual(
      new Set([(1 / 0.75).toFixed(5)]),
    );
  });

  it('is the identity in eval mode and with p = 0; zeroes with p = 1', () => {
    const x = randn([3, 4]);
    const d = new nn.Dropout(0.5);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(new nn.Dropout(0).forward(x)).toBe(x);
    expect(values(new nn.Dropout(1).forward(x)).every((v) => v === 0)).toBe(true);
  });

  it('is reproducible from its generator and differs between calls', () => {
    const x = randn([4, 8]);
    const a = new nn.Dropout(0.5, gen(11));
    const b = new nn.Dropout(0.5, gen(11));
    const a1 = values(a.forward(x));
    expect(values(b.forward(x))).toEqual(a1);
    expect(values(a.forward(x))).not.toEqual(a1);
  });

  it('the gradient is the mask times 1/(1−p)', () => {
    const x = randn([5, 5]).requireGrad();
    const y = new nn.Dropout(0.4, gen(2)).forward(x);
    y.sum().backward();
    const yv = values(y);
    const xv = values(x);
    values(x.grad!).forEach((g, i) => {
      expect(g).toBeCloseTo(yv[i] === 0 && xv[i] !== 0 ? 0 : 1 / 0.6, 5);
    });
  });

  it('rejects p outside [0, 1]', () => {
    expect(errorOf(() => new nn.Dropout(1.5))).toMatch(
      /argument 'p' expected a probability in \[0, 1\] but received 1.5/,
    );
    expect(errorOf(() => nn.functional.dropout(randn([2]), Number.NaN))).toContain("argument 'p'");
  });
});

describe('BatchNorm', () => {
  it('normalises with batch statistics in training and updates the running ones', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = tensor([
      [1, 10],
      [3, 20],
      [5, 30],
      [7, 40],
    ]);
    const y = bn.forward(x);
    values(y.mean(0)).forEach((v) => {
      expect(Math.abs(v)).toBeLessThan(1e-6);
    });
    // Biased variance in the normalisation: each column has unit (biased) variance afterwards.
    values(y.square().mean(0)).forEach((v) => {
      expect(v).toBeCloseTo(1, 4);
    });
    // Running stats: 0.9·init + 0.1·batch, with the unbiased variance (n/(n−1)).
    expect(values(bn.runningMean!)).toEqual([0.4, 2.5].map(Math.fround));
    const varUnbiased = [20 / 3, 500 / 3];
    values(bn.runningVar!).forEach((v, i) => {
      expect(v).toBeCloseTo(0.9 + 0.1 * varUnbiased[i]!, 4);
    });
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('uses running statistics in eval mode and leaves them alone', () => {
    const bn = new nn.BatchNorm2d(3);
    for (let i = 0; i < 3; i++) bn.forward(randn([4, 3, 2, 2]).mul(2).add(1));
    bn.eval();
    const rm = values(bn.runningMean!);
    const rv = values(bn.runningVar!);
    const x = randn([2, 3, 2, 2]);
    const y = values(bn.forward(x));
    const xv = values(x);
    y.forEach((v, i) => {
      const c = Math.floor(i / 4) % 3;
      expect(v).toBeCloseTo((xv[i]! - rm[c]!) / Math.sqrt(rv[c]! + 1e-5), 5);
    });
    expect(values(bn.runningMean!)).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });

  it('supports momentum null (cumulative average) and trackRunningStats false', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null });
    bn.forward(tensor([[1], [3]]));
    bn.forward(tensor([[5], [7]]));
    expect(bn.runningMean!.item()).toBeCloseTo(4, 6);
    const free = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect(free.parameters()).toHaveLength(0);
    expect(Object.keys(free.stateDict())).toEqual([]);
    free.eval();
    values(free.forward(randn([6, 2]).mul(3).add(2)).mean(0)).forEach((v) => {
      expect(Math.abs(v)).toBeLessThan(1e-5);
    });
  });

  it('accepts [N, C, L] in BatchNorm1d and rejects wrong shapes with clear errors', () => {
    expect(new nn.BatchNorm1d(3).forward(randn([2, 3, 5])).shape).toEqual([2, 3, 5]);
    expect(errorOf(() => new nn.BatchNorm1d(3).forward(randn([2, 4])))).toContain('[N, 3]');
    expect(errorOf(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4])))).toContain('[N, 3, H, W]');
    expect(errorOf(() => new nn.BatchNorm1d(3).forward(randn([1, 3])))).toContain(
      'more than 1 value per channel',
    );
    expect(errorOf(() => new nn.BatchNorm1d(3, { momentum: 2 }))).toContain("argument 'momentum'");
  });

  it('gradients match finite differences in training and eval mode', () => {
    const bn1 = new nn.BatchNorm1d(2);
    bn1.loadStateDict({ ...bn1.stateDict(), weight: tensor([1.5, -0.7]), bias: tensor([0.2, 0.1]) });
    checkModule(bn1, small([4, 2], 1, 1.5));
    checkModule(new nn.BatchNorm2d(2), small([2, 2, 2, 2], 2));
    const bn2 = new nn.BatchNorm1d(2);
    bn2.forward(small([5, 2], 3));
    bn2.eval();
    checkModule(bn2, small([3, 2, 2], 4));
  });
});

describe('LayerNorm', () => {
  it('normalises the trailing axes of each sample', () => {
    const ln = new nn.LayerNorm([2, 3]);
    const y = ln.forward(randn([4, 2, 3]).mul(5).add(3));
    values(y.mean([1, 2])).forEach((v) => {
      expect(Math.abs(v)).toBeLessThan(1e-5);
    });
    values(y.square().mean([1, 2])).forEach((v) => {
      expect(v).toBeCloseTo(1, 3);
    });
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    expect(errorOf(() => ln.forward(randn([4, 3, 2])))).toContain('trailing dimensions are [2, 3]');
  });

  it('gradients match finite differences', () => {
    const ln = new nn.LayerNorm(3);
    ln.loadStateDict({ weight: tensor([0.5, -1, 2]), bias: tensor([0.1, 0.2, -0.3]) });
    checkModule(ln, small([2, 3], 5, 2));
    checkModule(new nn.LayerNorm([2, 2]), small([2, 2, 2], 6));
  });
});

describe('Embedding', () => {
  it('looks up rows for int32 indices of any shape', () => {
    const emb = new nn.Embedding(5, 3, gen(0));
    const idx = tensor(
      [
        [0, 4],
        [2, 2],
      ],
      undefined,
      'int32',
    );
    const y = emb.forward(idx);
    expect(y.shape).toEqual([2, 2, 3]);
    const w = values(emb.weight);
    expect(values(y).slice(3, 6)).toEqual(w.slice(12, 15));
    expect(errorOf(() => emb.forward(tensor([5], undefined, 'int32')))).toContain('[0, 4]');
    expect(errorOf(() => emb.forward(tensor([1.0])))).toContain("argument 'indices'");
  });

  it('accumulates gradients of repeated indices; the padding row gets none and starts at zero', () => {
    const emb = new nn.Embedding(4, 2, { paddingIdx: -1, ...gen(1) });
    expect(emb.paddingIdx).toBe(3);
    expect(values(emb.weight).slice(6)).toEqual([0, 0]);
    emb
      .forward(tensor([1, 1, 3, 0], undefined, 'int32'))
      .sum()
      .backward();
    expect(values(emb.weight.grad!)).toEqual([1, 1, 2, 2, 0, 0, 0, 0]);
    const plain = new nn.Embedding(4, 2, gen(2));
    checkModule(plain, tensor([2, 0, 2], undefined, 'int32'), { inputGrad: false });
  });
});

describe('nn.init', () => {
  const { init } = nn;
  it('computes torch gains and fans', () => {
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateFans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(errorOf(() => init.calculateGain('swish' as never))).toContain("argument 'nonlinearity'");
    expect(errorOf(() => init.kaimingUniform([5]))).toContain('at least 2 dimensions');
  });

  it('returns new tensors for shapes and assigns into tensors, keeping identity', () => {
    const w = randn([64, 32]).requireGrad();
    const same = init.kaimingNormal(w, { mode: 'fan_out', nonlinearity: 'relu', ...gen(3) });
    expect(same).toBe(w);
    const std = Math.sqrt(values(w).reduce((a, v) => a + v * v, 0) / w.size);
    expect(std).toBeGreaterThan((0.9 * Math.SQRT2) / Math.sqrt(64));
    expect(std).toBeLessThan((1.1 * Math.SQRT2) / Math.sqrt(64));
    const u = init.xavierUniform([20, 30], gen(4));
    expect(Math.max(...values(u).map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    const k = values(init.kaimingUniform([100, 50], { nonlinearity: 'relu', ...gen(5) }));
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(Math.SQRT2 * Math.sqrt(3 / 50));
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.9 * Math.SQRT2 * Math.sqrt(3 / 50));
    const xn = values(init.xavierNormal([40, 60], { gain: 2, ...gen(6) }));
    const xstd = Math.sqrt(xn.reduce((a, v) => a + v * v, 0) / xn.length);
    expect(xstd).toBeCloseTo(2 * Math.sqrt(2 / 100), 1);
    expect(values(init.zeros(randn([2, 2])))).toEqual([0, 0, 0, 0]);
    expect(values(init.ones([3]))).toEqual([1, 1, 1]);
    expect(values(init.constant([2], 0.5))).toEqual([0.5, 0.5]);
    const uv = values(init.uniform([1000], -2, -1, gen(7)));
    expect(Math.min(...uv)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...uv)).toBeLessThan(-1);
    const nv = values(init.normal([2000], 3, 0.5, gen(8)));
    expect(nv.reduce((a, v) => a + v, 0) / nv.length).toBeCloseTo(3, 1);
    expect(values(init.normal([4], 0, 1, gen(9)))).toEqual(values(init.normal([4], 0, 1, gen(9))));
    expect(errorOf(() => init.uniform([2], 1, 0))).toContain("argument 'high'");
    expect(errorOf(() => init.kaimingUniform([2, 2], { mode: 'fanIn' as never }))).toContain(
      "'fan_in' or 'fan_out'",
    );
  });

  it('init.* on a module parameter changes the module', () => {
    const lin = new nn.Linear(3, 2);
    nn.init.zeros(lin.bias!);
    expect(values(lin.forward(tensor([[0, 0, 0]])))).toEqual([0, 0]);
  });
});
