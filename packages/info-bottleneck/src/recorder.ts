import { argError, ErlangenError, nn, noGrad, softmax, type Tensor, tidy } from '@erlangen/core';
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

function inputCodesOf(x: Tensor): Int32Array {
  // Bit patterns of the float32 values: equal rows ⇔ equal codes, no tolerance.
  const flat = x.dataSync() as Float32Array;
  const bits = new Int32Array(flat.buffer, flat.byteOffset, flat.length);
  const n = x.shape[0]!;
  return rowCodes(bits, n, flat.length / n);
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
  private readonly xCodes: Int32Array;
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
    this.xCodes = opts.inputCodes ? toLabels(op, 'inputCodes', opts.inputCodes) : inputCodesOf(probe);
    checkSameCount(op, ['probeInputs', probe.shape[0]!], ['inputCodes', this.xCodes.length]);
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
    if (!this.model) return;
    for (const [name, p] of this.model.namedParameters()) {
      if (p.ndim < 2 || !p.grad) continue;
      const g = p.grad.dataSync();
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

  /** Evaluates the probe set and every estimator on every layer now. */
  recordNow(epoch: number): EpochRecord {
    const layers: Matrix[] = noGrad(() =>
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
          return toMatrix('InformationPlaneRecorder', `layer ${l}`, t.reshape([t.shape[0]!, -1]));
        });
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
    const rec: EpochRecord = { epoch, records, diagnostics: this.diagnostics(), estimatorMs };
    this.history.push(rec);
    this.onRecord?.(rec);
    return rec;
  }

  private inputMatrix(): Matrix {
    this.xMatrix ??= toMatrix(
      'InformationPlaneRecorder',
      'probeInputs',
      this.probe.reshape([this.probe.shape[0]!, -1]),
    );
    return this.xMatrix;
  }

  private estimate(spec: EstimatorSpec, t: Matrix): Omit<InformationRecord, 'epoch' | 'estimator' | 'layer'> {
    switch (spec.kind) {
      case 'binning': {
        const r = binnedInformation(t, this.xCodes, this.labels, spec.strategy ?? { kind: 'fixed' });
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

  private diagnostics(): LayerDiagnostics[] {
    if (!this.model) return [];
    const out: LayerDiagnostics[] = [];
    for (const [name, p] of this.model.namedParameters()) {
      if (p.ndim < 2) continue;
      const w = p.dataSync();
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
