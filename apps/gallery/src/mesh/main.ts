/**
 * The mesh page: Spot the cow in 3-D (drag to turn it), its tangent frames (gauges), a tangent
 * vector parallel-transported along a path or around a loop (with the loop's holonomy), and a small
 * GemConv network trained in a Web Worker to label regions of the surface, coloured by its
 * predictions, with a gauge-equivariance check (a random gauge change at every vertex must leave the
 * logits unchanged). The network's weights were trained in Node (scripts/train-region-net.ts); the
 * page can also train it from scratch in the tab. Query parameters: `backend=cpu`, `steps=N` (train
 * N steps in the tab instead of loading the weights), `every=` (redraw interval), `check=1` (the
 * tests' run: the default, pretrained path). `data-metric` is the check's max |Δ logit|.
 */
import {
  angleDefect,
  edgeGeometry,
  faceAreas,
  type MeshGauge,
  meanEdgeLength,
  rotateGauge,
  spot,
  vertexAreas,
  vertexGauges,
} from '@erlangen/mesh-gauge';
import { handleStatus, mountPage, param, reportUncaught } from '../shared/page.js';
import '../shared/style.css';
import weightsUrl from './assets/region-net.safetensors?url';
import './mesh.css';
import { el } from '../shared/dom.js';
import type { GaugeCheck, MeshMessage, MeshRequest } from './protocol.js';
import { Transporter, type TransportResult, wrapAngle } from './transport.js';
import { ARROW_COLOUR, E1_COLOUR, E2_COLOUR, MeshView } from './view.js';

const REGION_COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#b07aa1',
  '#edc948',
  '#76b7b2',
  '#ff9da7',
];
const REGIONS = 6;

const page = mountPage(
  'Meshes & gauges: tangent frames, parallel transport and GemConv',
  'A convolution on a curved surface needs a tangent frame (a gauge) at every vertex to read ' +
    'directions in, and there is no canonical choice. The red and blue ticks are the frames the ' +
    'package picks (e1 towards a neighbour, e2 = n × e1). To compare vectors at different vertices, ' +
    'one carries them along the surface by parallel transport; around a closed loop a vector comes ' +
    'back turned by the curvature it encloses (the holonomy). A gauge-equivariant network (GemConv, ' +
    'de Haan et al. 2021) builds the transport in, so its answers do not depend on the frames chosen: ' +
    'here it learns to label six regions of the cow from curvature alone.',
);
reportUncaught(page);

const mesh = spot();
const baseGauge = vertexGauges(mesh);
const defect = angleDefect(mesh);
const areaOfVertex = vertexAreas(mesh);
const areaOfFace = faceAreas(mesh);

/**
 * The Gaussian curvature enclosed by the one-ring loop of `a`, i.e. integrated over the triangles
 * around a: each triangle's area times the mean of its corners' curvature (angle defect / vertex area).
 */
function enclosedCurvature(a: number): number {
  let total = 0;
  for (let f = 0; f < mesh.numFaces; f++) {
    const corners = [mesh.faces[3 * f]!, mesh.faces[3 * f + 1]!, mesh.faces[3 * f + 2]!];
    if (!corners.includes(a)) continue;
    const k = corners.reduce((s, v) => s + defect[v]! / areaOfVertex[v]!, 0) / 3;
    total += k * areaOfFace[f]!;
  }
  return total;
}
const hMean = meanEdgeLength(mesh);
const nv = mesh.numVertices;

// ── Layout ─────────────────────────────────────────────────────────────────────────────────────
const canvas = el('canvas', {
  width: '640',
  height: '480',
  role: 'img',
  tabindex: '0',
  'aria-label':
    'Spot the cow, a triangle mesh of 829 vertices, coloured by region, with tangent frames and ' +
    'transported vectors. Drag to turn it, scroll to zoom, click a vertex to start the transport there.',
});
canvas.className = 'mesh-view';
const figure = el('figure', { class: 'mesh-figure' });
const caption = el('figcaption');
caption.innerHTML =
  `Drag to turn, scroll to zoom, click a vertex to move the start (yellow dot). ` +
  `<span class="key" style="color:${E1_COLOUR}">━ e1</span> <span class="key" style="color:${E2_COLOUR}">━ e2</span> ` +
  `<span class="key" style="color:#2ca02c">➜ start</span> <span class="key" style="color:${ARROW_COLOUR}">➜ transported</span> ` +
  `<span class="key" style="color:#9467bd">➜ end</span>`;
figure.append(canvas, caption);

const controls = el('div', { class: 'mesh-controls' });
controls.innerHTML = `
  <fieldset>
    <legend>Tangent frames</legend>
    <label><input type="checkbox" id="show-frames" checked> show e1 and e2</label>
    <label>at every <select id="frame-every"><option value="1">vertex</option><option value="2">2nd vertex</option><option value="4" selected>4th vertex</option><option value="8">8th vertex</option></select></label>
    <label><input type="checkbox" id="random-gauge" disabled> use the random gauge of the check</label>
  </fieldset>
  <fieldset>
    <legend>Parallel transport</legend>
    <label>Path <select id="path-kind">
      <option value="triangle" selected>closed: A → B → C → A (shortest edge paths)</option>
      <option value="ring">closed: around the one-ring of A</option>
      <option value="path">open: A → B (shortest edge path)</option>
    </select></label>
    <div class="vertices">
      <label>A <input type="number" id="vertex-a" min="0" max="${nv - 1}"></label>
      <label>B <input type="number" id="vertex-b" min="0" max="${nv - 1}"></label>
      <label>C <input type="number" id="vertex-c" min="0" max="${nv - 1}"></label>
    </div>
    <label>Start angle in A's frame <input type="range" id="start-angle" min="0" max="360" step="5" value="45">
      <output id="start-angle-value" for="start-angle">45°</output></label>
    <p id="transport-result" class="readout" aria-live="polite"></p>
  </fieldset>
  <fieldset>
    <legend>Colour the vertices by</legend>
    <label><input type="radio" name="colour" value="predicted" checked> predicted region</label>
    <label><input type="radio" name="colour" value="true"> true region</label>
    <label><input type="radio" name="colour" value="errors"> right / wrong</label>
    <ul class="swatches" aria-label="Region colours"></ul>
  </fieldset>
  <p id="training" class="readout" aria-live="polite">Network: waiting for the worker…</p>
  <form id="train-form" class="train-form">
    <label>Or train it from scratch in this tab: <input type="number" id="train-steps" min="1" max="2000" value="200"> steps</label>
    <button type="submit">Train</button>
  </form>
  <p id="gauge-check" class="check">Gauge check: after training.</p>`;
const row = el('div', { class: 'row mesh-row' });
row.append(figure, controls);

const explain = el('section', { class: 'explain', 'aria-labelledby': 'mesh-explain' });
explain.innerHTML = `
  <h2 id="mesh-explain">What you are seeing</h2>
  <p><strong>Gauges.</strong> At each vertex the package takes the angle-weighted normal n, projects
  the edge to the first neighbour onto the tangent plane for e1, and sets e2 = n × e1. Any other
  choice (each frame turned by some angle) is just as good: that freedom is the gauge.</p>
  <p><strong>Parallel transport.</strong> Along the edge j → i, the Levi-Civita connection carries e1
  of j to the tangent plane of i by the smallest rotation taking n<sub>j</sub> to n<sub>i</sub>; read in
  i's frame it has angle g<sub>ij</sub>, so a vector at angle φ in j's frame arrives at φ + g<sub>ij</sub>.
  The arrows show one vector carried along the path. On a closed loop it comes back turned by the
  <em>holonomy</em>, which for a small loop equals the Gaussian curvature enclosed (on the flat parts of
  the cow it is near zero; around the head, ears and legs it is not). Neither the arrows nor the
  holonomy depend on the gauge: tick "use the random gauge" after training and they stay put while the
  frames spin.</p>
  <p><strong>The network.</strong> Three GemConv layers (scalars → 8 fields each of orders 0, 1, 2 →
  the same → 6 logits) with a norm nonlinearity between them (order-0 fields through ReLU, each
  order-n pair scaled by σ(|v|² + β)). GemConv's kernel obeys the gauge constraint and its messages are
  transported with g<sub>ij</sub>, so if every frame turns by α<sub>i</sub>, the hidden order-n fields turn
  by ρ<sub>n</sub>(−α<sub>i</sub>) and the logits do not change. Its inputs contain no coordinates: mean and
  Gaussian curvature diffused at five scales and the log vertex area (the package's benchmark
  features). The six regions are geodesic Voronoi cells of six seeds spread by farthest-point sampling
  (heat-method distances); half the vertices, drawn at random, are for training, the other half are
  held out. The package's RegularNonlinearity with ReLU would be equivariant only up to its sampling
  error, which is why this page uses the norm nonlinearity: the check below is then exact to float32
  rounding.</p>`;
page.main.append(row, explain);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const showFrames = $<HTMLInputElement>('show-frames');
const frameEvery = $<HTMLSelectElement>('frame-every');
const randomGauge = $<HTMLInputElement>('random-gauge');
const pathKind = $<HTMLSelectElement>('path-kind');
const vertexInputs = ['vertex-a', 'vertex-b', 'vertex-c'].map((id) => $<HTMLInputElement>(id));
const startAngle = $<HTMLInputElement>('start-angle');
const startAngleValue = $<HTMLOutputElement>('start-angle-value');
const transportOut = $<HTMLParagraphElement>('transport-result');
const trainingOut = $<HTMLParagraphElement>('training');
const checkOut = $<HTMLParagraphElement>('gauge-check');
const swatches = controls.querySelector('ul.swatches')!;
REGION_COLOURS.slice(0, REGIONS).forEach((c, r) => {
  const li = el('li');
  li.innerHTML = `<span class="swatch" style="background:${c}"></span>region ${r + 1}`;
  swatches.append(li);
});

// ── Geometry on the page: gauges, transport ────────────────────────────────────────────────────
let view: MeshView;
try {
  view = new MeshView(canvas, mesh, hMean);
} catch (e) {
  page.showError(`This page needs WebGL to draw the mesh: ${(e as Error).message}`);
  throw e;
}
let gauge: MeshGauge = baseGauge;
let transporter = new Transporter(mesh, edgeGeometry(mesh, gauge));
let checkAlpha: Float64Array | null = null;

/** The vertex on Spot's right flank (x > 0; Spot stands along z with y up) nearest to height y, length z. */
function flank(y: number, z: number): number {
  let best = 0;
  let bestDist = Infinity;
  for (let i = 0; i < nv; i++) {
    if (mesh.vertices[3 * i]! <= 0) continue;
    const d = (mesh.vertices[3 * i + 1]! - y) ** 2 + (mesh.vertices[3 * i + 2]! - z) ** 2;
    if (d < bestDist) {
      bestDist = d;
      best = i;
    }
  }
  return best;
}
const defaults = [flank(0.15, 0.0), flank(0.15, 0.7), flank(-0.2, 0.35)];
vertexInputs.forEach((input, k) => {
  input.value = String(defaults[k]);
});

function vertexValue(input: HTMLInputElement): number | null {
  const v = Number(input.value);
  return input.value !== '' && Number.isInteger(v) && v >= 0 && v < nv ? v : null;
}

function updateTransport(): void {
  const [a, b, c] = vertexInputs.map(vertexValue);
  const kind = pathKind.value;
  vertexInputs[1]!.disabled = kind === 'ring';
  vertexInputs[2]!.disabled = kind !== 'triangle';
  const deg = Number(startAngle.value);
  startAngleValue.textContent = `${deg}°`;
  const needed = kind === 'ring' ? [a] : kind === 'path' ? [a, b] : [a, b, c];
  if (needed.some((v) => v === null)) {
    transportOut.textContent = `Vertices are numbered 0 to ${nv - 1}; enter one in each box used.`;
    view.setTransport(null, gauge);
    return;
  }
  view.setMarker(a);
  let path: number[];
  if (kind === 'ring') path = transporter.ringLoop(a!);
  else if (kind === 'path') path = transporter.shortestPath(a!, b!);
  else {
    const ab = transporter.shortestPath(a!, b!);
    const bc = transporter.shortestPath(b!, c!);
    const ca = transporter.shortestPath(c!, a!);
    path = [...ab, ...bc.slice(1), ...ca.slice(1)];
  }
  const result: TransportResult = transporter.along(path, (deg * Math.PI) / 180);
  view.setTransport(result, gauge);
  const edges = path.length - 1;
  const end = result.angles[edges]!;
  const fmt = (r: number) => `${r.toFixed(4)} rad (${((r * 180) / Math.PI).toFixed(2)}°)`;
  if (kind === 'path') {
    transportOut.textContent =
      `${edges} edges from vertex ${a} to ${b}. The vector leaves at ${deg}° in A's frame and arrives at ` +
      `${((wrapAngle(end) * 180) / Math.PI).toFixed(1)}° in B's frame (that angle depends on the frames; the arrow does not).`;
  } else {
    const holonomy = wrapAngle(end - result.angles[0]!);
    const ref =
      kind === 'ring'
        ? ` For comparison, the Gaussian curvature integrated over the triangles the loop encloses ` +
          `(angle defects spread over vertex areas) is ${fmt(enclosedCurvature(a!))}.`
        : ` The loop's orientation sets the sign: swap B and C to reverse it.`;
    transportOut.innerHTML =
      `A closed loop of ${edges} edges. <strong>Holonomy: ${fmt(holonomy)}</strong> — the turn of the ` +
      `vector after one lap, the same in every gauge.${ref}`;
    transportOut.dataset.holonomy = String(holonomy);
  }
}

function updateFrames(): void {
  view.setFrames(gauge, Number(frameEvery.value), showFrames.checked);
}

function setGauge(g: MeshGauge): void {
  gauge = g;
  transporter = new Transporter(mesh, edgeGeometry(mesh, gauge));
  updateFrames();
  updateTransport();
}

showFrames.addEventListener('change', updateFrames);
frameEvery.addEventListener('change', updateFrames);
randomGauge.addEventListener('change', () =>
  setGauge(randomGauge.checked && checkAlpha ? rotateGauge(baseGauge, checkAlpha) : baseGauge),
);
for (const input of [pathKind, startAngle, ...vertexInputs]) input.addEventListener('input', updateTransport);
view.onPick((v) => {
  vertexInputs[0]!.value = String(v);
  updateTransport();
});
updateFrames();
updateTransport();

// ── Colours ────────────────────────────────────────────────────────────────────────────────────
let labels: Int32Array | null = null;
let predicted: Int32Array | null = null;
const rgbOf = (hex: string) => [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16) / 255);
const palette = REGION_COLOURS.map(rgbOf);

function updateColours(): void {
  const mode = (controls.querySelector('input[name="colour"]:checked') as HTMLInputElement).value;
  const rgb = new Float32Array(3 * nv).fill(0.82);
  const shown = mode === 'true' || !predicted ? labels : predicted;
  for (let i = 0; i < nv && labels; i++) {
    if (mode === 'errors' && predicted) {
      rgb.set(predicted[i] === labels[i] ? [0.8, 0.86, 0.8] : [0.85, 0.15, 0.15], 3 * i);
    } else if (shown) rgb.set(palette[shown[i]! % palette.length]!, 3 * i);
  }
  view.setColours(rgb);
  // Test hooks: what the vertices are coloured by, and how many regions the colours show.
  const by = !labels
    ? 'none'
    : mode === 'errors' && predicted
      ? 'errors'
      : shown === predicted
        ? 'predicted'
        : 'true';
  document.body.dataset.colouredBy = by;
  document.body.dataset.regionsShown = by === 'none' || by === 'errors' ? '0' : String(new Set(shown).size);
}
for (const r of controls.querySelectorAll('input[name="colour"]'))
  r.addEventListener('change', updateColours);

// ── The worker: the network, training and the gauge check ──────────────────────────────────────
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
let summary = '';
let worker: Worker | null = null;
let steps = 0;

function onMessage(e: MessageEvent<MeshMessage>): void {
  const m = e.data;
  if (handleStatus(page, m)) return;
  if (m.type === 'data') {
    labels = m.labels;
    summary = `${m.parameters.toLocaleString('en')} parameters, ${m.features} input features per vertex`;
    trainingOut.textContent = m.pretrained
      ? `Running the pretrained network (${summary})…`
      : `Training the GemConv network from scratch (${summary})…`;
    updateColours();
  } else if (m.type === 'step') {
    predicted = m.predicted;
    document.body.dataset.trainAccuracy = String(m.train);
    document.body.dataset.heldOutAccuracy = String(m.test);
    updateColours();
    trainingOut.textContent =
      m.step === 0
        ? `Pretrained weights (trained in Node for the page, full-batch Adam): accuracy ${pct(m.train)} on the ` +
          `training vertices, ${pct(m.test)} on the held-out ones (${summary}).`
        : `Step ${m.step}/${steps}: loss ${m.loss.toFixed(3)}, accuracy ${pct(m.train)} on the training ` +
          `vertices, ${pct(m.test)} on the held-out ones (${summary}; ${m.msPerStep.toFixed(0)} ms a step).`;
  } else if (m.type === 'check') {
    checkAlpha = m.alpha;
    randomGauge.disabled = false;
    const e = (v: number) => v.toExponential(2);
    const part = (name: string, c: GaugeCheck) =>
      `${name}: the logits changed by at most ${e(c.error)} (largest |logit| ${c.scale.toFixed(2)}); the ` +
      `hidden order-1 and 2 fields (up to ${c.vectorScale.toPrecision(3)}) equal the original ones turned ` +
      `by ρ(−α) to within ${e(c.vectorError)} (not turned back, they differ by ${c.control.toPrecision(3)}).`;
    checkOut.textContent =
      `Gauge check, every vertex's frame turned by a random angle. ${part('Trained network', m.trained)} ` +
      `${part('Freshly initialised weights', m.fresh)} (${m.ms.toFixed(0)} ms)`;
    const error = Math.max(m.trained.error, m.fresh.error);
    checkOut.dataset.error = String(error);
    page.setStatus('Done: drag the cow, pick vertices, try the random gauge.');
    page.done(error);
  } else if (m.type === 'done' && m.steps > 0) {
    trainingOut.textContent =
      `Trained ${m.steps} steps in this tab: accuracy ${pct(m.train)} on the training vertices, ` +
      `${pct(m.test)} on the held-out ones (${summary}).`;
  }
}

/** Starts a worker: `trainSteps` = 0 runs the pretrained weights, otherwise trains from scratch. */
function start(trainSteps: number): void {
  worker?.terminate();
  steps = trainSteps;
  predicted = null;
  document.body.dataset.status = 'loading';
  checkOut.textContent = 'Gauge check: after the network is ready.';
  const request: MeshRequest = {
    backend: param('backend'),
    steps: trainSteps,
    weightsUrl: new URL(weightsUrl, location.href).href,
    every: Math.max(1, Number(param('every') ?? 10) || 10),
    regions: REGIONS,
    seed: 0,
  };
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onerror = (e) => page.showError(`The worker failed: ${e.message}`);
  worker.onmessage = onMessage;
  worker.postMessage(request);
}

const trainSteps = $<HTMLInputElement>('train-steps');
$<HTMLFormElement>('train-form').addEventListener('submit', (e) => {
  e.preventDefault();
  start(Math.min(2000, Math.max(1, Math.round(Number(trainSteps.value)) || 200)));
});
// `?steps=N` trains in the tab from the start; by default (and with `?check=1`) the pretrained weights run.
start(Math.max(0, Math.round(Number(param('steps') ?? 0)) || 0));
