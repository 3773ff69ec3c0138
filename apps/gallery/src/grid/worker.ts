/**
 * Runs the grid page's two pretrained digit classifiers inside a Web Worker, so the tab never
 * freezes: loads their weights (safetensors), checks the p4 CNN's invariance on a sample digit, then
 * answers one request at a time with both models' logits and first-layer feature maps for the
 * digit turned by the slider's angle.
 */
import { loadSafetensors, noGrad, type Tensor, tensor, tidy } from '@erlangen/core';
import { chooseBackend } from '../shared/backend.js';
import {
  type DigitModel,
  IMAGE_SIZE,
  P4_LIFT_FIELDS,
  P4Net,
  PlainNet,
  rotateImage,
  standardise,
} from './models.js';
import type { GridMessage, GridRequest, ModelName, ModelResult } from './protocol.js';

const post = (m: GridMessage, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(m, transfer);
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

// Built once the backend is chosen, so their parameters live on it (loadStateDict copies in place).
let models: Record<ModelName, DigitModel>;
/** The plain CNN's 4 first-layer channels shown: those with the largest filters. */
let cnnChannels = [0, 1, 2, 3];

function isQuarterTurn(degrees: number): boolean {
  return Math.abs(degrees / 90 - Math.round(degrees / 90)) < 1e-9;
}

/** Standardised images → tensor [n, 1, 28, 28]. */
function batch(images: Float32Array[]): Tensor {
  const flat = new Float32Array(images.length * PIXELS);
  images.forEach((img, i) => {
    flat.set(standardise(img), i * PIXELS);
  });
  return tensor(flat, [images.length, 1, IMAGE_SIZE, IMAGE_SIZE]);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, offsetA = 0, offsetB = 0, n = 10): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[offsetA + i]! - b[offsetB + i]!));
  return m;
}

function softmax(logits: Float32Array): Float32Array {
  const top = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - top));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** The L2 norm of each output filter of a conv weight [out, ...]. */
async function filterNorms(weight: Tensor): Promise<number[]> {
  const values = await weight.data();
  const out = weight.shape[0]!;
  const per = values.length / out;
  return Array.from({ length: out }, (_, o) => {
    let s = 0;
    for (let i = 0; i < per; i++) s += values[o * per + i]! ** 2;
    return Math.sqrt(s);
  });
}

async function init(req: Extract<GridRequest, { type: 'init' }>): Promise<void> {
  const choice = await chooseBackend(req.backend);
  post({ type: 'backend', ...choice });
  models = { gcnn: new P4Net(), cnn: new PlainNet() };
  post({ type: 'progress', label: 'Downloading the trained weights…', value: 0, total: 3 });
  const response = await fetch(req.weightsUrl);
  if (!response.ok) throw new Error(`fetching ${req.weightsUrl}: HTTP ${response.status}`);
  const { tensors, metadata } = loadSafetensors(await response.arrayBuffer());
  post({ type: 'progress', label: 'Loading the weights into both models…', value: 1, total: 3 });
  for (const [name, model] of Object.entries(models)) {
    const prefix = `${name}.`;
    const own = Object.fromEntries(
      Object.entries(tensors)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    model.loadStateDict(own);
    model.eval();
  }
  const cnnNorms = await filterNorms(tensors['cnn.conv1.weight']!);
  cnnChannels = cnnNorms
    .map((n, c) => [n, c] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 4)
    .map(([, c]) => c)
    .sort((a, b) => a - b);
  const liftNorms = await filterNorms(tensors['gcnn.lift.weight']!);
  for (const t of Object.values(tensors)) t.dispose();
  const info = (name: ModelName) => ({
    parameters: Number(metadata[`${name}.parameters`] ?? models[name].numParameters()),
    accuracy: (metadata[`${name}.accuracy`] ?? '').split(',').filter(Boolean).map(Number),
  });
  post({
    type: 'ready',
    info: { gcnn: info('gcnn'), cnn: info('cnn') },
    liftFields: P4_LIFT_FIELDS,
    defaultField: liftNorms.indexOf(Math.max(...liftNorms)),
    cnnChannels,
  });

  // The self-check: the sample digit turned by 0°, 90°, 180°, 270°, in one batch through both models.
  post({ type: 'progress', label: 'Checking the p4 CNN’s invariance…', value: 2, total: 3 });
  const start = performance.now();
  const turned = [0, 90, 180, 270].map((deg) => rotateImage(req.checkImage, deg));
  const logits = noGrad(() =>
    tidy(() => {
      const x = batch(turned);
      return [models.gcnn.run(x).logits, models.cnn.run(x).logits];
    }),
  );
  const [g, c] = await Promise.all(logits.map((t) => t.data()));
  for (const t of logits) t.dispose();
  let gcnnError = 0;
  let cnnError = 0;
  for (let k = 1; k < 4; k++) {
    gcnnError = Math.max(gcnnError, maxAbsDiff(g!, g!, 10 * k, 0));
    cnnError = Math.max(cnnError, maxAbsDiff(c!, c!, 10 * k, 0));
  }
  post({
    type: 'check',
    logits: [0, 1, 2, 3].map((k) => Float32Array.from(g!.subarray(10 * k, 10 * k + 10))),
    gcnnError,
    cnnError,
    ms: performance.now() - start,
  });
  post({ type: 'progress', label: 'Ready.', value: 3, total: 3 });
}

/**
 * max |maps(turned input) − P·R(maps(upright input))| over the 4 shown maps, relative to their
 * largest value: R turns each map by `quarterTurns`·90°, and P moves channel r to r + quarterTurns
 * (mod 4) for the G-CNN's orientation channels (`shift`) or leaves channels in place (the plain CNN,
 * which has no orientation channels to move). Maps: [4, 28, 28] each.
 */
function mapEquivarianceError(
  turned: Float32Array,
  upright: Float32Array,
  quarterTurns: number,
  shift: boolean,
): number {
  let err = 0;
  let scale = 1e-12;
  for (let r = 0; r < 4; r++) {
    const source = shift ? (((r - quarterTurns) % 4) + 4) % 4 : r;
    const expected = rotateImage(upright.subarray(source * PIXELS, (source + 1) * PIXELS), 90 * quarterTurns);
    for (let p = 0; p < PIXELS; p++) {
      const t = turned[r * PIXELS + p]!;
      err = Math.max(err, Math.abs(t - expected[p]!));
      scale = Math.max(scale, Math.abs(t));
    }
  }
  return err / scale;
}

async function infer(req: Extract<GridRequest, { type: 'infer' }>): Promise<void> {
  const start = performance.now();
  const rotated = rotateImage(req.image, req.degrees);
  const field = Math.min(Math.max(0, Math.trunc(req.gcnnField)), P4_LIFT_FIELDS - 1);
  // Batch: [turned, upright]; the upright row gives the invariance errors at quarter turns.
  const outputs = noGrad(() =>
    tidy(() => {
      const x = batch([rotated, req.image]);
      const g = models.gcnn.run(x);
      const c = models.cnn.run(x);
      const cnnMaps = cnnChannels.map((ch) => c.firstLayer.narrow(1, ch, 1)); // each [2, 1, 28, 28]
      return [g.logits, g.firstLayer.narrow(1, 4 * field, 4), c.logits, ...cnnMaps];
    }),
  );
  const values = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
  for (const t of outputs) t.dispose();
  const [gLogits, gMaps, cLogits, ...cMaps] = values as [
    Float32Array,
    Float32Array,
    Float32Array,
    ...Float32Array[],
  ];
  // Rows: [turned, upright] → two [4, 28, 28] stacks per model.
  const gTurned = gMaps.slice(0, 4 * PIXELS);
  const gUpright = gMaps.subarray(4 * PIXELS);
  const cTurned = new Float32Array(4 * PIXELS);
  const cUpright = new Float32Array(4 * PIXELS);
  cMaps.forEach((m, i) => {
    cTurned.set(m.subarray(0, PIXELS), i * PIXELS);
    cUpright.set(m.subarray(PIXELS), i * PIXELS);
  });
  const quarter = isQuarterTurn(req.degrees) ? Math.round(req.degrees / 90) % 4 : null;
  const result = (
    logits: Float32Array,
    turned: Float32Array,
    upright: Float32Array,
    shift: boolean,
  ): ModelResult => {
    const turnedLogits = logits.slice(0, 10);
    return {
      logits: turnedLogits,
      probs: softmax(turnedLogits),
      maps: turned,
      invarianceError: quarter === null ? null : maxAbsDiff(logits, logits, 0, 10),
      mapError: quarter === null ? null : mapEquivarianceError(turned, upright, quarter, shift),
    };
  };
  const gcnn = result(gLogits, gTurned, gUpright, true);
  const cnn = result(cLogits, cTurned, cUpright, false);
  post(
    {
      type: 'result',
      id: req.id,
      degrees: req.degrees,
      input: rotated,
      gcnn,
      cnn,
      ms: performance.now() - start,
    },
    [rotated.buffer, gcnn.maps.buffer, cnn.maps.buffer],
  );
}

self.onmessage = (e: MessageEvent<GridRequest>) => {
  const req = e.data;
  (req.type === 'init' ? init(req) : infer(req)).catch((err: unknown) =>
    post({
      type: 'error',
      message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    }),
  );
};
