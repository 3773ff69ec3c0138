import {
  argError,
  checkPositiveInt,
  concat,
  data,
  elu,
  Generator,
  manualSeed,
  nn,
  optim,
  type Tensor,
  tensor,
  tidy,
} from '@erlangen/core';
import { checkSameCount, type SampleInput, toMatrix } from '../matrix.js';
import { mulberry32 } from '../random.js';

/**
 * MINE (Belghazi et al. 2018): a statistics network T_θ(x, y) trained by gradient ascent on the
 * Donsker–Varadhan lower bound
 *   I(X;Y) ≥ E_P[T] − log E_{P_X ⊗ P_Y}[e^T],
 * with the marginal drawn by shuffling y within a batch. The gradient of the log term is biased on
 * minibatches; MINE's correction replaces its denominator by a moving average a ← (1 − α)a + α·mean(e^T)
 * (loss = −(mean T_joint − mean(e^T_marg)/a)). The network, autograd and Adam are the core's.
 * Returned value (bits): the DV bound of the final network on all N samples, the marginal term over
 * `evalShuffles` independent shuffles of y (not the noisy per-batch values, which are in `trace`). Cost: steps × batch × network size. Bias/variance: a lower bound in
 * expectation, but with a finite sample it can overshoot (the network overfits the sample); variance
 * grows like e^I, so it is unreliable beyond a few bits (McAllester & Stratos 2020). The parameters that
 * drive it: steps, batch size, learning rate, hidden width.
 */
export interface MineOptions {
  /** hidden units of the two hidden layers (default 64) */
  hidden?: number;
  /** optimisation steps (default 500) */
  steps?: number;
  /** batch size (default min(N, 256)) */
  batchSize?: number;
  /** Adam learning rate (default 1e-3) */
  lr?: number;
  /** moving-average rate α of the bias correction (default 0.01) */
  emaRate?: number;
  /** seed of weights and shuffles (default 0) */
  seed?: number;
  /** shuffles used for the final estimate (default 8) */
  evalShuffles?: number;
  /** called after each step with the batch's DV value in bits (learning curves) */
  onStep?: (step: number, dvBits: number) => void;
}

export interface MineResult {
  /** the DV lower bound on the full sample, in bits */
  bits: number;
  /** per-step batch DV values in bits */
  trace: number[];
}

class StatisticsNetwork extends nn.Module {
  l1: nn.Linear;
  l2: nn.Linear;
  l3: nn.Linear;
  constructor(inFeatures: number, hidden: number, generator: Generator) {
    super();
    this.l1 = new nn.Linear(inFeatures, hidden, { generator });
    this.l2 = new nn.Linear(hidden, hidden, { generator });
    this.l3 = new nn.Linear(hidden, 1, { generator });
  }
  forward(xy: Tensor): Tensor {
    return this.l3.forward(elu(this.l2.forward(elu(this.l1.forward(xy))))).reshape([-1]);
  }
}

/** log mean exp of a float array, stable. */
function logMeanExp(v: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s / v.length);
}

/** MINE estimate of I(X;Y) in bits for X [N, dx], Y [N, dy] (labels: pass one-hot rows). */
export function mineMutualInformation(x: SampleInput, y: SampleInput, opts: MineOptions = {}): MineResult {
  const op = 'mineMutualInformation';
  const mx = toMatrix(op, 'x', x);
  const my = toMatrix(op, 'y', y);
  checkSameCount(op, ['x', mx.rows], ['y', my.rows]);
  const n = mx.rows;
  if (n < 2) argError(op, 'x', 'at least 2 samples', `${n}`);
  const hidden = checkPositiveInt(op, 'hidden', opts.hidden ?? 64);
  const steps = checkPositiveInt(op, 'steps', opts.steps ?? 500);
  const batch = Math.min(n, checkPositiveInt(op, 'batchSize', opts.batchSize ?? 256));
  const lr = opts.lr ?? 1e-3;
  if (!(lr > 0)) argError(op, 'lr', 'a positive learning rate', String(lr));
  const alpha = opts.emaRate ?? 0.01;
  if (!(alpha > 0 && alpha <= 1)) argError(op, 'emaRate', 'a rate in (0, 1]', String(alpha));
  const seed = opts.seed ?? 0;
  const evalShuffles = checkPositiveInt(op, 'evalShuffles', opts.evalShuffles ?? 8);
  const rand = mulberry32(seed + 17);
  const gen = new Generator(seed);
  manualSeed(seed);

  const net = new StatisticsNetwork(mx.cols + my.cols, hidden, gen);
  const opt = new optim.Adam(net.parameters(), { lr });
  const X = tensor(Float32Array.from(mx.values), [n, mx.cols]).keep();
  const Y = tensor(Float32Array.from(my.values), [n, my.cols]).keep();
  const trace: number[] = [];
  let ema = 1;
  let emaInit = false;
  try {
    for (let step = 0; step < steps; step++) {
      const rows = data.permutationFrom(n, rand).subarray(0, batch);
      const shuffled = data.permutationFrom(n, rand).subarray(0, batch);
      const dv = tidy(() => {
        const xb = X.indexSelect(0, tensor(rows, [batch], 'int32'));
        const yb = Y.indexSelect(0, tensor(rows, [batch], 'int32'));
        const ym = Y.indexSelect(0, tensor(shuffled, [batch], 'int32'));
        const tJoint = net.forward(concat([xb, yb], 1));
        const tMarg = net.forward(concat([xb, ym], 1));
        const eMarg = tMarg.exp();
        const meanE = eMarg.mean().item();
        ema = emaInit ? (1 - alpha) * ema + alpha * meanE : meanE;
        emaInit = true;
        opt.zeroGrad();
        const loss = tJoint.mean().sub(eMarg.mean().div(ema)).neg();
        loss.backward();
        opt.step();
        return tJoint.mean().item() - Math.log(meanE);
      });
      trace.push(dv / Math.LN2);
      opts.onStep?.(step, dv / Math.LN2);
    }
    const bits = tidy(() => {
      const tJoint = net.forward(concat([X, Y], 1)).dataSync();
      let meanJoint = 0;
      for (let i = 0; i < n; i++) meanJoint += tJoint[i]!;
      meanJoint /= n;
      const margValues = new Float64Array(n * evalShuffles);
      for (let s = 0; s < evalShuffles; s++) {
        const perm = data.permutationFrom(n, rand);
        const t = net.forward(concat([X, Y.indexSelect(0, tensor(perm, [n], 'int32'))], 1)).dataSync();
        for (let i = 0; i < n; i++) margValues[s * n + i] = t[i]!;
      }
      return (meanJoint - logMeanExp(margValues)) / Math.LN2;
    });
    return { bits, trace };
  } finally {
    X.dispose();
    Y.dispose();
    for (const p of net.parameters()) p.dispose();
  }
}
