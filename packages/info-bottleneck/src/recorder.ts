import {
  argError,
  ErlangenError,
  getBackend,
  nn,
  noGrad,
  setBackend,
  softmax,
  type Tensor,
  tidy,
} from '@erlangen/core';
import { type BinningStrategy, binnedInformation, describeBinning } from './estimators/binning.js';
import { rowCodes } from './estimators/discrete.js';
import { kdeInformation } from './estimators/kde.js';
import { ksgEntropy, ksgMixedInformation } from './estimators/ksg.js';
import { mineMutualInformation } from './estimators/mine.js';
import { renyiMutualInformation } from './estimators/renyi.js';
import { checkSameCount, type LabelInput, type Matrix, toLabels, toMatrix } from './matrix.js';
import { mulberry32Open } from './random.js';

/** One estimator the recorder runs on every layer at every recorded epoch. */
export type EstimatorSpec =
  | { kind: 'binning'; strategy?: BinningStrategy; name?: string }
  | { kind: 'kde'; noiseVariance?: number; name?: string }
  | { kind: 'ksg'; k?: number; noiseVariance?: number; maxSamples?: number; name?: string }
  | { kind: 'renyi'; alpha?: number; maxSamples?: number; name?: string }
  | { kind: 'mine'; steps?: number; hidden?: number; maxSamples?: number; name?: string };

/** A readable default name per spec, e.g. `binning(fixed 30 edges on [-1, 1])`, `kde(σ²=0.1)`. */
export function estimatorName(spec: EstimatorSpec): string {
  if (spec.name) return spec.name;
  switch (spec.kind) {
    case 'binning':
      return `binning(${describeBinning(spec.strategy ?? { kind: 'fixed' })})`;
    case 'kde':
      return `kde(σ²=${spec.noiseVariance ?? 0.1})`;
    case 'ksg':
      return `ksg(k=${spec.k ?? 3}, σ²=${spec.noiseVariance ?? 0.1})`;
    case 'renyi':
      return `renyi(α=${spec.alpha ?? 1.01})`;
    case 'mine':
      return 'mine';
    default:
      return argError(
        'estimatorName',
        'spec.kind',
        "'binning', 'kde', 'ksg', 'renyi' or 'mine'",
        String((spec as { kind: unknown }).kind),
      );
  }
}

/** A model's per-layer outputs for a batch: [N, d_in] → one [N, d_l] tensor per recorded layer. */
export type LayerTaps = (x: Tensor) => Tensor[];

const LINEAR_LIKE = (m: nn.Module) =>
  m instanceof nn.Linear || m instanceof nn.Conv2d || m instanceof nn.Dropout || m instanceof nn.Flatten;

/**
 * Taps of a `Sequential`: the output of every child that is not a Linear/Conv2d/Dropout/Flatten (i.e.
 * every activation: the layer representations T₁…T_{L−1}), and the network's output, through a softmax
 * when `softmaxOutput` (default true: IDNNs bins the softmax output). Each tap is flattened to [N, d].
 */
export function sequentialTaps(
  model: nn.Sequential,
  opts: { softmaxOutput?: boolean } = {},
): { names: string[]; taps: LayerTaps } {
  if (!(model instanceof nn.Sequential))
    argError('sequentialTaps', 'model', 'an nn.Sequential', typeof model);
  const kids = model.namedChildren();
  const tapAt: number[] = [];
  kids.forEach(([, m], i) => {
    if (i < kids.length - 1 && !LINEAR_LIKE(m)) tapAt.push(i);
  });
  tapAt.push(kids.length - 1);
  const names = tapAt.map((i, l) => (l === tapAt.length - 1 ? 'output' : `layer ${l + 1} (${kids[i]![0]})`));
  const softmaxOutput = opts.softmaxOutput ?? true;
  const taps: LayerTaps = (x) => {
    const out: Tensor[] = [];
    let h = x;
    kids.forEach(([, m], i) => {
      h = m.forward(h) as Tensor;
      if (tapAt.includes(i)) {
        let t = h.reshape([h.shape[0]!, -1]);
        if (i === kids.length - 1 && softmaxOutput) t = softmax(t, -1);
        out.push(t);
      }
    });
    return out;
  };
  return { names, taps };
}

/** Log-spaced epochs 0 … maxEpoch (unique integers, 0 and maxEpoch included), as IDNNs records. */
export function logSpacedEpochs(maxEpoch: number, count: number): number[] {
  if (!Number.isInteger(maxEpoch) || maxEpoch < 0)
    argError('logSpacedEpochs', 'maxEpoch', 'a non-negative integer', String(maxEpoch));
  if (!Number.isInteger(count) || count < 1)
    argError('logSpacedEpochs', 'count', 'a positive integer', String(count));
  const set = new Set<number>([0, maxEpoch]);
  for (let i = 0; i < count; i++) {
    const v = Math.round((maxEpoch + 1) ** (i / Math.max(1, count - 1))) - 1;
    set.add(Math.min(maxEpoch, Math.max(0, v)));
  }
  return [...set].sort((a, b) => a - b);
}

/** One estimate: estimator × layer × epoch. */
export interface InformationRecord {
  epoch: number;
  estimator: string;
  layer: number;
  /** I(X;T) in bits (upper bound for KDE) */
  ixt: number;
  /** I(T;Y) in bits (upper bound for KDE) */
  ity: number;
  /** KDE: the lower bounds */
  ixtLower?: number;
  ityLower?: number;
}

/** SGD-phase diagnostics of one weight matrix over the minibatches of a recorded epoch. */
export interface LayerDiagnostics {
  /** parameter name, e.g. '0.weight' */
  name: string;
  /** ‖W‖_F */
  weightNorm: number;
  /** ‖E[g]‖ / ‖std[g]‖ over the epoch's minibatches (null with fewer than 2 batches) */
  gradientSnr: number | null;
  /** ‖E[g]‖ */
  gradientMeanNorm: number | null;
  /** ‖std[g]‖ */
  gradientStdNorm: number | null;
}

export interface EpochRecord {
  epoch: number;
  records: InformationRecord[];
  diagnostics: LayerDiagnostics[];
  /** milliseconds spent per estimator on all layers of this epoch */
  estimatorMs: Record<string, number>;
}

export interface RecorderOptions {
  /** per-layer outputs of the model on a batch; or pass `model` (a Sequential) for `sequentialTaps` */
  taps?: LayerTaps;
  /** layer names for `taps` */
  layerNames?: string[];
  /** the model: its Sequential taps when `taps` is absent, and its weights for the diagnostics */
  model?: nn.Module;
  /** probe inputs X [N, ...] evaluated at every recorded epoch (one batch) */
  probeInputs: Tensor;
  /** probe labels Y [N] */
  probeLabels: LabelInput;
  /** discrete identity of each probe input [N] (default: equal rows ⇔ equal codes) */
  inputCodes?: LabelInput;
  /** estimators (default: binning with 30 fixed edges on [−1, 1]) */
  estimators?: EstimatorSpec[];
  /** epochs to record (default logSpacedEpochs(1000, 50)) */
  epochs?: number[];
  /** called with each epoch's results as soon as they are computed (stream them to JSON lines) */
  onRecord?: (record: EpochRecord) => void;
}

/** Row codes of the probe's host values [N·d]: equal rows ⇔ equal codes. */
function inputCodesOf(values: ArrayLike<number>, rows: number): Int32Array {
  // Bit patterns of the float32 values: equal rows ⇔ equal codes, no tolerance.
  const flat = Float32Array.from(values);
  const bits = new Int32Array(flat.buffer, flat.byteOffset, flat.length);
  return rowCodes(bits, rows, flat.length / rows);
}

function subsample(m: Matrix, y: Int32Array, max: number): { m: Matrix; y: Int32Array; rows: Int32Array } {
  if (m.rows <= max) return { m, y, rows: Int32Array.from({ length: m.rows }, (_, i) => i) };
  // Evenly spaced rows: deterministic, and stratified when the probe set is ordered by class.
  const rows = Int32Array.from({ length: max }, (_, i) => Math.floor((i * m.rows) / max));
  const values = new Float64Array(max * m.cols);
  const ys = new Int32Array(max);
  rows.forEach((r, i) => {
    values.set(m.values.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols);
    ys[i] = y[r]!;
  });
  return { m: { values, rows: max, cols: m.cols }, y: ys, rows };
}

/** values + N(0, sd²) noise, seeded (mulberry32 + Box–Muller). */
function addGaussianNoise(values: Float64Array, sd: number, seed: number): Float64Array {
  const u = mulberry32Open(seed);
  return values.map((v) => v + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function oneHot(y: Int32Array): Matrix {
  let k = 0;
  for (const v of y) k = Math.max(k, v + 1);
  const values = new Float64Array(y.length * k);
  y.forEach((v, i) => {
    values[i * k + v] = 1;
  });
  return { values, rows: y.length, cols: k };
}

/**
 * Records I(X;T) and I(T;Y) of every layer at chosen epochs, with several estimators side by side,
 * plus per-layer weight norms and gradient signal-to-noise ratios. The training loop calls
 * `beginEpoch(e)` before and `endEpoch(e)` after each epoch, and `observeGradients()` after each
 * backward pass; `recordNow(e)` records outside that protocol (e.g. at initialisation).
 *
 * Those methods read tensors synchronously, which only the `cpu` and `wasm` backends can. On a backend
 * that reads asynchronously (`webgpu`), await the async twins instead: `endEpochAsync(e)`,
 * `observeGradientsAsync()` and `recordNowAsync(e)`. They read every tensor with `await t.data()`
 * and then run the same host code, so both paths give the same records from the same values.
 */
export class InformationPlaneRecorder {
  readonly layerNames: string[];
  readonly estimators: EstimatorSpec[];
  readonly estimatorNames: string[];
  readonly epochs: number[];
  readonly history: EpochRecord[] = [];
  private readonly taps: LayerTaps;
  private readonly model: nn.Module | undefined;
  private readonly probe: Tensor;
  private readonly labels: Int32Array;
  /** discrete identity of each probe row; computed from the probe's values on first use when not given */
  private xCodes: Int32Array | undefined;
  private readonly onRecord: ((r: EpochRecord) => void) | undefined;
  private readonly epochSet: Set<number>;
  private gradSum = new Map<string, Float64Array>();
  private gradSq = new Map<string, Float64Array>();
  private gradCount = 0;
  private xMatrix: Matrix | undefined;

  constructor(opts: RecorderOptions) {
    const op = 'InformationPlaneRecorder';
    if (!opts || typeof opts !== 'object') argError(op, 'opts', 'an options object', String(opts));
    const probe = opts.probeInputs;
    if (!probe || typeof (probe as Tensor).shape !== 'object')
      argError(op, 'probeInputs', 'a [N, ...] tensor', String(probe));
    if (probe.shape[0] === 0 || probe.size === 0)
      argError(op, 'probeInputs', 'a non-empty probe set', `shape [${probe.shape.join(', ')}]`);
    this.labels = toLabels(op, 'probeLabels', opts.probeLabels);
    checkSameCount(op, ['probeInputs', probe.shape[0]!], ['probeLabels', this.labels.length]);
    if (opts.inputCodes) {
      this.xCodes = toLabels(op, 'inputCodes', opts.inputCodes);
      checkSameCount(op, ['probeInputs', probe.shape[0]!], ['inputCodes', this.xCodes.length]);
    } else if (probe.backend.canReadSync) {
      // Read now where that is possible; an asynchronous backend's probe is read by the first recordNowAsync.
      this.xCodes = inputCodesOf(probe.dataSync(), probe.shape[0]!);
    }
    if (opts.taps) {
      this.taps = opts.taps;
      this.layerNames = opts.layerNames ?? [];
    } else if (opts.model instanceof nn.Sequential) {
      const t = sequentialTaps(opts.model);
      this.taps = t.taps;
      this.layerNames = opts.layerNames ?? t.names;
    } else {
      argError(op, 'taps', 'layer taps, or a Sequential `model`', 'neither');
    }
    this.model = opts.model;
    this.probe = probe.keep();
    this.estimators = opts.estimators ?? [{ kind: 'binning' }];
    if (this.estimators.length === 0) argError(op, 'estimators', 'at least one estimator', 'an empty list');
    this.estimatorNames = this.estimators.map(estimatorName);
    this.epochs = opts.epochs ?? logSpacedEpochs(1000, 50);
    this.epochSet = new Set(this.epochs);
    this.onRecord = opts.onRecord;
  }

  isRecordEpoch(epoch: number): boolean {
    return this.epochSet.has(epoch);
  }

  /** Starts an epoch: clears the gradient statistics when this epoch will be recorded. */
  beginEpoch(epoch: number): void {
    if (this.isRecordEpoch(epoch)) this.resetGradients();
  }

  /** Accumulates the current `.grad` of every weight matrix (call after each backward in a recorded epoch). */
  observeGradients(): void {
    const grads = this.weightGradients();
    this.accumulateGradients(
      grads.map(([name, g]) => [name, this.readSync('observeGradients', `the gradient of ${name}`, g)]),
    );
  }

  /**
   * `observeGradients` for backends that read asynchronously (webgpu): awaits every gradient's values.
   * Await it before the next optimizer step changes the gradients.
   */
  async observeGradientsAsync(): Promise<void> {
    const grads = this.weightGradients();
    const values = await Promise.all(grads.map(([, g]) => g.data()));
    this.accumulateGradients(grads.map(([name], i) => [name, values[i]!]));
  }

  /** The gradient tensors of the weight matrices (parameters with ≥ 2 dimensions) that have one. */
  private weightGradients(): [string, Tensor][] {
    if (!this.model) return [];
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.model.namedParameters()) if (p.ndim >= 2 && p.grad) out.push([name, p.grad]);
    return out;
  }

  private accumulateGradients(grads: [string, ArrayLike<number>][]): void {
    if (!this.model) return;
    for (const [name, g] of grads) {
      let s = this.gradSum.get(name);
      let q = this.gradSq.get(name);
      if (!s || !q) {
        s = new Float64Array(g.length);
        q = new Float64Array(g.length);
        this.gradSum.set(name, s);
        this.gradSq.set(name, q);
      }
      for (let i = 0; i < g.length; i++) {
        s[i]! += g[i]!;
        q[i]! += g[i]! * g[i]!;
      }
    }
    this.gradCount++;
  }

  resetGradients(): void {
    this.gradSum.clear();
    this.gradSq.clear();
    this.gradCount = 0;
  }

  /** Ends an epoch: records when it is a recording epoch. */
  endEpoch(epoch: number): EpochRecord | null {
    return this.isRecordEpoch(epoch) ? this.recordNow(epoch) : null;
  }

  /** `endEpoch` for backends that read asynchronously (webgpu). */
  async endEpochAsync(epoch: number): Promise<EpochRecord | null> {
    return this.isRecordEpoch(epoch) ? this.recordNowAsync(epoch) : null;
  }

  /** Evaluates the probe set and every estimator on every layer now (reads synchronously: cpu, wasm). */
  recordNow(epoch: number): EpochRecord {
    const op = 'InformationPlaneRecorder.recordNow';
    if (this.needsProbeValues()) this.hostProbe(this.readSync(op, 'probeInputs', this.probe));
    const outs = this.evaluateLayers();
    try {
      const values = outs.map((t, l) => this.readSync(op, `layer ${l}`, t));
      const weights = this.weightTensors().map(
        ([name, w]) => [name, this.readSync(op, name, w)] as [string, ArrayLike<number>],
      );
      return this.finishRecord(epoch, outs, values, weights);
    } finally {
      for (const t of outs) t.dispose();
    }
  }

  /**
   * `recordNow` for backends that read asynchronously (webgpu): the layers are computed on the model's
   * backend, their values (and the weights, and the probe on first use) are awaited, and the
   * estimators then run on the host exactly as in `recordNow`. Await it before the next training step
   * changes the weights.
   */
  async recordNowAsync(epoch: number): Promise<EpochRecord> {
    if (this.needsProbeValues()) this.hostProbe(await this.probe.data());
    const outs = this.evaluateLayers();
    try {
      const weightTensors = this.weightTensors();
      const [values, weightValues] = await Promise.all([
        Promise.all(outs.map((t) => t.data())),
        Promise.all(weightTensors.map(([, w]) => w.data())),
      ]);
      const weights = weightTensors.map(
        ([name], i) => [name, weightValues[i]!] as [string, ArrayLike<number>],
      );
      // KDE and MINE compute with core tensors and read them synchronously: on a backend that cannot
      // (webgpu) they run on 'cpu' meanwhile. No await falls between the switch and the switch back
      // other than setBackend's own, so other tensor code of this thread does not run in between.
      const previous = getBackend();
      const active = await setBackend(previous);
      const usesTensors = this.estimators.some((e) => e.kind === 'kde' || e.kind === 'mine');
      if (active.canReadSync || !usesTensors) return this.finishRecord(epoch, outs, values, weights);
      await setBackend('cpu');
      try {
        return this.finishRecord(epoch, outs, values, weights);
      } finally {
        await setBackend(previous);
      }
    } finally {
      for (const t of outs) t.dispose();
    }
  }

  /** True until the host has what it needs of the probe: its codes, and X itself for Rényi and MINE. */
  private needsProbeValues(): boolean {
    const needsX = this.estimators.some((e) => e.kind === 'renyi' || e.kind === 'mine');
    return !this.xCodes || (needsX && !this.xMatrix);
  }

  /** Derives from the probe's host values [N·d] the input codes (when none were given) and, if needed, X. */
  private hostProbe(values: ArrayLike<number>): void {
    const rows = this.probe.shape[0]!;
    this.xCodes ??= inputCodesOf(values, rows);
    if (this.estimators.some((e) => e.kind === 'renyi' || e.kind === 'mine'))
      this.xMatrix ??= toMatrix('InformationPlaneRecorder', 'probeInputs', {
        values: Float64Array.from(values),
        rows,
        cols: this.probe.size / rows,
      });
  }

  /** The input codes (set by the constructor or by `hostProbe` before any estimate runs). */
  private codes(): Int32Array {
    if (!this.xCodes) throw new ErlangenError('InformationPlaneRecorder: the probe inputs were not read yet');
    return this.xCodes;
  }

  /** A synchronous read, with an error that points to the async method on backends that cannot. */
  private readSync(op: string, what: string, t: Tensor): ArrayLike<number> {
    if (!t.backend.canReadSync)
      throw new ErlangenError(
        `${op}: ${what} lives on the '${t.backend.name}' backend, which reads asynchronously; ` +
          'use the async methods (await recordNowAsync / endEpochAsync / observeGradientsAsync)',
      );
    return t.dataSync();
  }

  /** The taps on the probe set in eval mode, without gradients: one [N, d_l] tensor per layer (caller disposes). */
  private evaluateLayers(): Tensor[] {
    return noGrad(() =>
      tidy(() => {
        const wasTraining = this.model?.training;
        this.model?.eval();
        const outs = this.taps(this.probe);
        if (wasTraining) this.model?.train();
        return outs.map((t, l) => {
          if (t.shape[0] !== this.probe.shape[0])
            throw new ErlangenError(
              `InformationPlaneRecorder: layer ${l} returned ${t.shape[0]} samples for a probe set of ${this.probe.shape[0]}`,
            );
          return t.reshape([t.shape[0]!, -1]);
        });
      }),
    );
  }

  /** The weight matrices (parameters with ≥ 2 dimensions) the diagnostics report. */
  private weightTensors(): [string, Tensor][] {
    if (!this.model) return [];
    return this.model.namedParameters().filter(([, p]) => p.ndim >= 2) as [string, Tensor][];
  }

  /** Runs every estimator on the layers' host values [N·d_l] and stores the epoch's record. */
  private finishRecord(
    epoch: number,
    outs: Tensor[],
    values: ArrayLike<number>[],
    weights: [string, ArrayLike<number>][],
  ): EpochRecord {
    const layers: Matrix[] = outs.map((t, l) =>
      toMatrix('InformationPlaneRecorder', `layer ${l}`, {
        values: Float64Array.from(values[l]!),
        rows: t.shape[0]!,
        cols: t.shape[1]!,
      }),
    );
    while (this.layerNames.length < layers.length)
      this.layerNames.push(`layer ${this.layerNames.length + 1}`);
    const records: InformationRecord[] = [];
    const estimatorMs: Record<string, number> = {};
    this.estimators.forEach((spec, e) => {
      const name = this.estimatorNames[e]!;
      const t0 = performance.now();
      layers.forEach((m, layer) => {
        records.push({ epoch, estimator: name, layer, ...this.estimate(spec, m) });
      });
      estimatorMs[name] = performance.now() - t0;
    });
    const rec: EpochRecord = { epoch, records, diagnostics: this.diagnostics(weights), estimatorMs };
    this.history.push(rec);
    this.onRecord?.(rec);
    return rec;
  }

  /** X as a float64 [N, d] matrix (set by `hostProbe` before Rényi or MINE runs). */
  private inputMatrix(): Matrix {
    if (!this.xMatrix)
      throw new ErlangenError('InformationPlaneRecorder: the probe inputs were not read yet');
    return this.xMatrix;
  }

  private estimate(spec: EstimatorSpec, t: Matrix): Omit<InformationRecord, 'epoch' | 'estimator' | 'layer'> {
    switch (spec.kind) {
      case 'binning': {
        const r = binnedInformation(t, this.codes(), this.labels, spec.strategy ?? { kind: 'fixed' });
        return { ixt: r.ixt, ity: r.ity };
      }
      case 'kde': {
        const r = kdeInformation(t, this.labels, { noiseVariance: spec.noiseVariance ?? 0.1 });
        return { ixt: r.ixtUpper, ity: r.ityUpper, ixtLower: r.ixtLower, ityLower: r.ityLower };
      }
      case 'ksg': {
        // T is a deterministic function of X, so I(X;T) is log N or infinite; as for KDE, measure the
        // noisy layer T + ε, ε ~ N(0, σ²I): I(X; T + ε) = h(T + ε) − h(ε), h by Kozachenko–Leonenko
        // (KSG's entropy estimator). I(T;Y) by the mixed KSG estimator on the same noisy samples.
        const s = subsample(t, this.labels, spec.maxSamples ?? 1024);
        const variance = spec.noiseVariance ?? 0.1;
        const k = spec.k ?? 3;
        const noisy = { ...s.m, values: addGaussianNoise(s.m.values, Math.sqrt(variance), 1234) };
        const hNoise = ((s.m.cols / 2) * Math.log(2 * Math.PI * Math.E * variance)) / Math.LN2;
        return {
          ixt: Math.min(Math.log2(s.m.rows), Math.max(0, ksgEntropy(noisy, { k }) - hNoise)),
          ity: ksgMixedInformation(noisy, s.y, { k }),
        };
      }
      case 'renyi': {
        const s = subsample(t, this.labels, spec.maxSamples ?? 128);
        const x = subsample(this.inputMatrix(), this.labels, spec.maxSamples ?? 128).m;
        const alpha = spec.alpha ?? 1.01;
        return {
          ixt: renyiMutualInformation(x, s.m, { alpha }),
          ity: renyiMutualInformation(s.m, oneHot(s.y), { alpha }),
        };
      }
      case 'mine': {
        const s = subsample(t, this.labels, spec.maxSamples ?? 1024);
        const x = subsample(this.inputMatrix(), this.labels, spec.maxSamples ?? 1024).m;
        const o = { steps: spec.steps ?? 300, hidden: spec.hidden ?? 32 };
        return {
          ixt: mineMutualInformation(x, s.m, o).bits,
          ity: mineMutualInformation(s.m, oneHot(s.y), o).bits,
        };
      }
      default:
        return argError(
          'InformationPlaneRecorder',
          'estimators',
          'known estimator kinds',
          String((spec as { kind: unknown }).kind),
        );
    }
  }

  /** Weight norms and gradient statistics from the weights' host values. */
  private diagnostics(weights: [string, ArrayLike<number>][]): LayerDiagnostics[] {
    const out: LayerDiagnostics[] = [];
    for (const [name, w] of weights) {
      let wn = 0;
      for (let i = 0; i < w.length; i++) wn += w[i]! * w[i]!;
      const s = this.gradSum.get(name);
      const q = this.gradSq.get(name);
      let snr: number | null = null;
      let meanNorm: number | null = null;
      let stdNorm: number | null = null;
      if (s && q && this.gradCount >= 2) {
        const n = this.gradCount;
        let m2 = 0;
        let v2 = 0;
        for (let i = 0; i < s.length; i++) {
          const mean = s[i]! / n;
          m2 += mean * mean;
          v2 += Math.max(0, q[i]! / n - mean * mean);
        }
        meanNorm = Math.sqrt(m2);
        stdNorm = Math.sqrt(v2);
        snr = stdNorm > 0 ? meanNorm / stdNorm : null;
      }
      out.push({
        name,
        weightNorm: Math.sqrt(wn),
        gradientSnr: snr,
        gradientMeanNorm: meanNorm,
        gradientStdNorm: stdNorm,
      });
    }
    return out;
  }

  /** Everything recorded, as a plain JSON-serialisable object. */
  toJSON(): { layers: string[]; estimators: string[]; epochs: number[]; history: EpochRecord[] } {
    return {
      layers: this.layerNames,
      estimators: this.estimatorNames,
      epochs: this.epochs,
      history: this.history,
    };
  }

  /** Releases the probe tensor. */
  dispose(): void {
    this.probe.dispose();
  }
}
