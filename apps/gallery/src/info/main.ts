/**
 * The information-plane page: trains the 12-bit network in a worker and redraws I(X;T) against
 * I(T;Y) per layer as each recorded epoch arrives; afterwards a slider and a play button replay the
 * recorded epochs.
 */
import { isSoftwareAdapter } from '../shared/adapter.js';
import { handleStatus, mountPage, param, reportUncaught } from '../shared/page.js';
import '../shared/style.css';
import './info.css';
import { planeSvg } from './plane.js';
import {
  ESTIMATORS,
  type EstimatorKey,
  type InfoMessage,
  type InfoRequest,
  type LayerInformation,
} from './protocol.js';

const page = mountPage(
  'Information plane: the 12-bit task, epoch by epoch',
  'Shwartz-Ziv & Tishby’s 12-10-7-5-4-3-2 network learns a rule on all 4096 patterns of 12 bits. At ' +
    'log-spaced epochs, every layer T is measured on all 4096 inputs: how much it keeps about the ' +
    'input, I(X;T), and about the label, I(T;Y), both estimated by binning the activations. Each dot ' +
    'is one layer at one epoch, coloured by epoch; the layers of an epoch are joined. Watch the ' +
    'narrow layers move right (fitting), then left (what the paper called compression).',
);
reportUncaught(page);

const check = param('check') === '1';
/** Epochs of the full run; on a software WebGPU adapter the default is SOFTWARE_EPOCHS (see `defaults`). */
const FULL_EPOCHS = 2000;
const SOFTWARE_EPOCHS = 10;
const form = document.createElement('form');
form.className = 'info-controls';
form.innerHTML = `
  <fieldset><legend>Training</legend>
    <label>Activation <select name="activation"><option value="tanh">tanh (Shwartz-Ziv &amp; Tishby)</option><option value="relu">ReLU (Saxe et al.)</option></select></label>
    <label>Epochs <input name="epochs" type="number" min="1" max="20000" value="${Number(param('epochs')) || FULL_EPOCHS}"></label>
    <label>Recorded epochs <input name="points" type="number" min="2" max="200" value="${Number(param('points')) || (check ? 20 : 50)}"></label>
    <label>Backend <select name="backend"><option value="auto">WebGPU where available (default)</option><option value="cpu">CPU (WebAssembly)</option></select></label>
    <button type="submit">Train</button>
  </fieldset>`;
const epochsInput = form.elements.namedItem('epochs') as HTMLInputElement;
const backendSelect = form.elements.namedItem('backend') as HTMLSelectElement;
const softwareNote = document.createElement('p');
softwareNote.className = 'note';
softwareNote.hidden = true;
const view = document.createElement('div');
view.className = 'info-controls';
view.innerHTML = `
  <fieldset><legend>View</legend>
    <label>Estimator <select name="estimator">${ESTIMATORS.map((e) => `<option value="${e.key}">${e.label}</option>`).join('')}</select></label>
    <label>Recorded epoch <input name="scrub" type="range" min="0" max="0" value="0" disabled aria-describedby="epoch-out"></label>
    <output id="epoch-out" aria-live="off">—</output>
    <button type="button" name="play" disabled>Play</button>
  </fieldset>`;
const estimatorSelect = view.querySelector<HTMLSelectElement>('select[name=estimator]')!;
const scrub = view.querySelector<HTMLInputElement>('input[name=scrub]')!;
const epochOut = view.querySelector<HTMLOutputElement>('output')!;
const playButton = view.querySelector<HTMLButtonElement>('button[name=play]')!;

const figure = document.createElement('figure');
figure.style.margin = '0';
const plane = document.createElement('div');
plane.className = 'plane';
plane.setAttribute('role', 'img');
figure.append(plane);
const table = document.createElement('table');
table.className = 'metrics';
table.innerHTML =
  '<caption>Shown epoch, per layer (bits)</caption><thead><tr><th scope="col">layer</th><th scope="col">I(X;T)</th><th scope="col">I(T;Y)</th></tr></thead><tbody></tbody>';
const row = document.createElement('div');
row.className = 'row';
row.append(figure, table);
const result = document.createElement('p');
result.id = 'result';
const caveat = document.createElement('aside');
caveat.className = 'caveat';
caveat.setAttribute('aria-label', 'Caveat');
caveat.innerHTML =
  '<strong>Read this with the picture.</strong> The network is deterministic: every one of the 4096 ' +
  'inputs gives a different continuous T, so the true I(X;T) is 12 bits (log₂ 4096) at every epoch and ' +
  'nothing is ever “compressed”. What the binning estimate measures is how many inputs fall into the same ' +
  'bins — the <em>clustering</em> of the representations at the bins’ resolution — not information about X ' +
  '(Goldfeld et al. 2019). Change the bins and the picture changes: with ReLU, the fixed bins on [−1, 1] ' +
  'clip the growing activations and show “compression” that the unbounded floor bins do not (Saxe et al. 2018).';
page.main.append(form, softwareNote, view, row, result, caveat);

interface RecordView {
  epoch: number;
  loss: number;
  estimates: Record<EstimatorKey, LayerInformation>;
}
let plan: { epochs: number[]; layerNames: string[]; labelEntropy: number } | null = null;
let records: RecordView[] = [];
let shown = 0;
let following = true;
let worker: Worker | null = null;
let playTimer: number | null = null;

const SHORT_LABELS = ['T1', 'T2', 'T3', 'T4', 'T5', 'out'];

function estimator(): EstimatorKey {
  return estimatorSelect.value as EstimatorKey;
}

function render(): void {
  if (!plan || records.length === 0) return;
  const key = estimator();
  const r = records[shown]!;
  const est = r.estimates[key];
  plane.innerHTML = planeSvg({
    plannedEpochs: plan.epochs,
    epochs: records.map((x) => x.epoch),
    ixt: records.map((x) => x.estimates[key].ixt),
    ity: records.map((x) => x.estimates[key].ity),
    layerLabels: SHORT_LABELS,
    shown,
    xMax: 12.5,
    yMax: 1.05,
    xStep: 2,
    yStep: 0.2,
    xRef: { value: 12, label: 'log₂ 4096 = 12' },
    yRef: { value: plan.labelEntropy, label: `H(Y) = ${plan.labelEntropy.toFixed(3)}` },
    title: `epoch ${r.epoch} · ${ESTIMATORS.find((e) => e.key === key)!.label}`,
  });
  plane.setAttribute(
    'aria-label',
    `Information plane at epoch ${r.epoch}: ${plan.layerNames
      .map((n, l) => `${n} I(X;T) ${est.ixt[l]!.toFixed(2)}, I(T;Y) ${est.ity[l]!.toFixed(3)} bits`)
      .join('; ')}`,
  );
  table.tBodies[0]!.replaceChildren(
    ...plan.layerNames.map((n, l) => {
      const tr = document.createElement('tr');
      for (const v of [n, est.ixt[l]!.toFixed(2), est.ity[l]!.toFixed(3)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
  scrub.max = String(records.length - 1);
  scrub.value = String(shown);
  const loss = Number.isNaN(r.loss) ? 'initialisation' : `loss ${r.loss.toFixed(4)}`;
  epochOut.textContent = `epoch ${r.epoch} (${loss})`;
  scrub.setAttribute('aria-valuetext', `epoch ${r.epoch}`);
}

function stopPlaying(): void {
  if (playTimer !== null) window.clearInterval(playTimer);
  playTimer = null;
  playButton.textContent = 'Play';
}

function play(): void {
  if (playTimer !== null) {
    stopPlaying();
    return;
  }
  if (shown >= records.length - 1) shown = 0;
  playButton.textContent = 'Pause';
  render();
  playTimer = window.setInterval(() => {
    if (shown >= records.length - 1) {
      stopPlaying();
      return;
    }
    shown++;
    render();
  }, 150);
}

function start(): void {
  worker?.terminate();
  stopPlaying();
  records = [];
  plan = null;
  shown = 0;
  following = true;
  scrub.disabled = true;
  playButton.disabled = true;
  result.textContent = '';
  // The shared badge appends its note on every run: drop the previous run's.
  for (const n of document.querySelectorAll('.statusbar .note')) n.remove();
  document.body.dataset.status = 'loading';
  const data = new FormData(form);
  const request: InfoRequest = {
    activation: data.get('activation') === 'relu' ? 'relu' : 'tanh',
    epochs: Math.min(20000, Math.max(1, Math.round(Number(data.get('epochs')) || FULL_EPOCHS))),
    recordPoints: Math.min(200, Math.max(2, Math.round(Number(data.get('points')) || 50))),
    backend: data.get('backend') === 'cpu' ? 'cpu' : null,
    seed: Math.max(0, Math.round(Number(param('seed')) || 0)),
  };
  page.setStatus('Starting the worker…');
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onerror = (e) => page.showError(`worker failed: ${e.message}`);
  worker.onmessage = (e: MessageEvent<InfoMessage>) => {
    const m = e.data;
    if (handleStatus(page, m)) return;
    if (m.type === 'plan') {
      plan = m;
      page.setStatus(`Recording ${m.epochs.length} epochs between 0 and ${request.epochs}…`);
    } else if (m.type === 'record') {
      records.push(m);
      if (following) shown = records.length - 1;
      scrub.disabled = false;
      render();
    } else if (m.type === 'done') {
      playButton.disabled = false;
      const first = records[0]!.estimates.fixed;
      const last = records[records.length - 1]!.estimates.fixed;
      result.textContent =
        `Done in ${m.seconds.toFixed(1)} s (${m.msPerEpoch.toFixed(1)} ms per epoch): training accuracy ` +
        `${(100 * m.trainAccuracy).toFixed(1)}%, test accuracy ${(100 * m.testAccuracy).toFixed(1)}%. ` +
        `With 30 bins on [−1, 1], the 3-unit layer T5 went from I(X;T) = ${first.ixt[4]!.toFixed(2)} bits at ` +
        `initialisation (peak ${Math.max(...records.map((r) => r.estimates.fixed.ixt[4]!)).toFixed(2)}) to ` +
        `${last.ixt[4]!.toFixed(2)} bits; the output’s I(T;Y) is ${last.ity[5]!.toFixed(3)} bits. Use the slider or Play to replay.`;
      page.setStatus('Done.');
      // Test hooks: the losses of the first and last training epochs, the number of
      // recorded epochs, and the last epoch's fixed-bin estimates (to compare backends).
      document.body.dataset.lossFirst = String(m.firstLoss);
      document.body.dataset.lossLast = String(m.lastLoss);
      document.body.dataset.recorded = `${records.length}/${plan?.epochs.length ?? 0}`;
      document.body.dataset.lastEstimates = JSON.stringify(last);
      // The headline number: the first layer's I(X;T) at initialisation, 12 bits (all 4096 inputs in
      // distinct bins) for the tanh network.
      page.done(first.ixt[0]!.toFixed(4));
    }
  };
  worker.postMessage(request);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  start();
});
estimatorSelect.addEventListener('change', render);
scrub.addEventListener('input', () => {
  stopPlaying();
  shown = Number(scrub.value);
  // Moving the slider while training stops following the newest epoch; back at the end resumes it.
  following = shown === records.length - 1;
  render();
});
playButton.addEventListener('click', play);
if (param('activation') === 'relu')
  (form.elements.namedItem('activation') as HTMLSelectElement).value = 'relu';
if (param('backend') === 'cpu') backendSelect.value = 'cpu';
const requestedEstimator = param('estimator');
if (ESTIMATORS.some((e) => e.key === requestedEstimator)) estimatorSelect.value = requestedEstimator!;

/**
 * On a software WebGPU adapter (SwiftShader, llvmpipe) every kernel runs on the CPU and this tiny
 * network's epoch takes seconds, so the default run is shortened (unless the URL gives `epochs`)
 * and the page says so; the CPU backend does the full run in a minute or two.
 */
async function defaults(): Promise<void> {
  if (backendSelect.value === 'cpu' || !('gpu' in navigator)) return;
  const gpu = (navigator as Navigator & { gpu: GPU }).gpu;
  const adapter = await gpu.requestAdapter().catch(() => null);
  // `info` (vendor, architecture) is newer than these type definitions.
  const info = (adapter as unknown as { info?: GPUAdapterInfo } | null)?.info;
  const name = info ? `${info.vendor} ${info.architecture}`.trim() : '';
  if (!adapter || !isSoftwareAdapter(name)) return;
  if (param('epochs') === null) epochsInput.value = String(SOFTWARE_EPOCHS);
  softwareNote.hidden = false;
  softwareNote.textContent =
    `This browser's WebGPU adapter (${name}) emulates a GPU on the CPU, where an epoch of this ` +
    `network takes seconds, so the run is ${epochsInput.value} epoch${epochsInput.value === '1' ? '' : 's'}. ` +
    `For the full ${FULL_EPOCHS}-epoch ` +
    'picture choose the CPU backend (WebAssembly), or open the page in a browser with a GPU.';
}

defaults()
  .catch(() => undefined)
  .finally(start);
