/**
 * The sphere page: a signal on a globe you turn by dragging (or with three Euler-angle sliders), its
 * power spectrum per degree, and three spherical convolutions — harmonic (zonal), DISCO and the
 * DeepSphere graph convolution — applied to the exactly rotated signal in a Web Worker, each with
 * its equivariance error ‖conv(R x) − R̂ conv(x)‖ / ‖R̂ conv(x)‖.
 *
 * Query parameters: `backend=cpu` (skip WebGPU), `check=1` (start at a Haar-random rotation; the
 * harmonic convolution's error for it is reported as `data-metric`, as it is for the default
 * rotation without it).
 */
import {
  eulerToMatrix,
  gridSampling,
  gridSHT64,
  matrixToEuler,
  randomRotation,
  rotateCoefficients,
} from '@erlangen/sphere';
import { handleStatus, mountPage, param, reportUncaught } from '../shared/page.js';
import '../shared/style.css';
import './sphere.css';
import { el } from '../shared/dom.js';
import { drawMap, drawSpectrum, maxAbs } from './draw.js';
import { Globe } from './globe.js';
import {
  BAND_LIMIT,
  type Euler,
  type FamilyKey,
  type FamilyResult,
  HEALPIX_NSIDE,
  NLAT,
  NLON,
  type SphereMessage,
  type SphereRequest,
} from './protocol.js';
import { axisRotation, type Mat3, multiply, orthonormalise } from './rotation.js';
import { FIELD_BAND, HARMONICS, powerSpectrum, type SignalChoice, signalCoefficients } from './signals.js';

const page = mountPage(
  'Spheres: convolutions under a rotation you drag',
  'A signal lives on the sphere (left: drag the globe to turn it). The page rotates the signal exactly, ' +
    'in spherical-harmonic space, and runs three spherical convolutions on the rotated signal in a ' +
    'background worker. An equivariant layer gives the same answer as running it on the unrotated ' +
    'signal and rotating its output: the relative difference is its equivariance error. The harmonic ' +
    '(zonal) convolution is exact up to float32 rounding; DISCO and the graph convolution are not.',
);
reportUncaught(page);

const DEG = Math.PI / 180;
const spectrumDegrees = 16;

// ── State ──────────────────────────────────────────────────────────────────────────────────────
const checkMode = param('check') === '1';
let signal: SignalChoice = { kind: 'field', seed: 7 };
let coeffs = signalCoefficients(signal);
let rotation: Mat3 = eulerToMatrix(
  checkMode ? randomRotation(Math.random) : { alpha: 40 * DEG, beta: 60 * DEG, gamma: 10 * DEG },
);

// The globe shows the signal on an equiangular display grid with both poles (65 × 128), synthesised
// from the coefficients, so it is smooth; the worker computes on the 32 × 64 Gauss–Legendre grid.
const display = gridSampling('equiangular', 65, { nlon: 128 });
const displaySht = gridSHT64(display, BAND_LIMIT);

// ── Input: the globe and the rotation controls ─────────────────────────────────────────────────
const globeBox = el('section', { class: 'panel globe-panel', 'aria-labelledby': 'globe-heading' });
globeBox.append(el('h2', { id: 'globe-heading' }, 'The rotated signal R x'));
let globe: Globe | null = null;
try {
  globe = new Globe(300, display.nlat, display.nlon);
  globe.canvas.classList.add('globe');
  globe.canvas.setAttribute('role', 'img');
  globe.canvas.setAttribute(
    'aria-label',
    'Globe showing the rotated signal; drag it or use the arrow keys to turn it, or use the Euler-angle sliders',
  );
  globeBox.append(
    globe.canvas,
    el(
      'p',
      { class: 'hint' },
      'Drag the globe (or focus it and use the arrow keys) to turn it. Red positive, blue negative; north pole up.',
    ),
  );
} catch (e) {
  globeBox.append(
    el(
      'p',
      { class: 'note' },
      `No 3-D view (WebGL unavailable: ${(e as Error).message}); turn the signal with the sliders.`,
    ),
  );
}

const sliders = (['alpha', 'beta', 'gamma'] as const).map((name) => {
  const max = name === 'beta' ? 180 : 360;
  const input = el('input', { type: 'range', id: `euler-${name}`, min: '0', max: String(max), step: '1' });
  const out = el('output', { for: `euler-${name}` });
  const symbol = { alpha: 'α', beta: 'β', gamma: 'γ' }[name];
  const label = el('label', { for: `euler-${name}` }, `${symbol}`);
  const row = el('div', { class: 'euler' });
  row.append(label, input, out);
  input.addEventListener('input', () => {
    const e = readSliders();
    rotation = eulerToMatrix(e);
    showRotation(false);
    request();
  });
  return { name, input, out, row };
});
function readSliders(): Euler {
  const [a, b, g] = sliders.map((s) => Number(s.input.value) * DEG);
  return { alpha: a!, beta: b!, gamma: g! };
}
const eulerBox = el('fieldset', { class: 'euler-box' });
eulerBox.append(el('legend', {}, 'Rotation R = R_z(α) R_y(β) R_z(γ), degrees'));
for (const s of sliders) eulerBox.append(s.row);
const rotButtons = el('div', { class: 'buttons' });
const randomButton = el('button', { type: 'button' }, 'Random rotation');
const resetButton = el('button', { type: 'button' }, 'No rotation');
rotButtons.append(randomButton, resetButton);
eulerBox.append(rotButtons);
randomButton.addEventListener('click', () => {
  rotation = eulerToMatrix(randomRotation(Math.random));
  showRotation(true);
  request();
});
resetButton.addEventListener('click', () => {
  rotation = eulerToMatrix({ alpha: 0, beta: 0, gamma: 0 });
  showRotation(true);
  request();
});
globeBox.append(eulerBox);

/** Shows `rotation` on the globe and, when it did not come from them, on the sliders. */
function showRotation(updateSliders: boolean): void {
  globe?.setRotation(rotation);
  const e = matrixToEuler(rotation);
  const deg = {
    alpha: (((e.alpha / DEG) % 360) + 360) % 360,
    beta: e.beta / DEG,
    gamma: (((e.gamma / DEG) % 360) + 360) % 360,
  };
  for (const s of sliders) {
    if (updateSliders) s.input.value = String(Math.round(deg[s.name]));
    s.out.textContent = `${deg[s.name].toFixed(0)}°`;
  }
}

if (globe) {
  const g = globe;
  let last: { x: number; y: number } | null = null;
  g.canvas.addEventListener('pointerdown', (ev) => {
    last = { x: ev.clientX, y: ev.clientY };
    g.canvas.setPointerCapture(ev.pointerId);
  });
  g.canvas.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const k = Math.PI / g.canvas.clientWidth; // half a turn across the globe
    const dx = ev.clientX - last.x;
    const dy = ev.clientY - last.y;
    last = { x: ev.clientX, y: ev.clientY };
    // Screen right is math +y and screen down is math −z on the side facing us (longitude 0), so a
    // drag turns about z (horizontal) and about y (vertical), applied after the current rotation.
    rotation = orthonormalise(
      multiply(axisRotation('y', dy * k), multiply(axisRotation('z', dx * k), rotation)),
    );
    showRotation(true);
    request();
  });
  // Arrow keys turn the focused globe by 5° (the same axes as a drag).
  g.canvas.tabIndex = 0;
  g.canvas.addEventListener('keydown', (ev) => {
    const step = 5 * DEG;
    const turns: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const turn = turns[ev.key];
    if (!turn) return;
    ev.preventDefault();
    rotation = orthonormalise(
      multiply(axisRotation('y', turn[1]), multiply(axisRotation('z', turn[0]), rotation)),
    );
    showRotation(true);
    request();
  });
  const end = () => {
    last = null;
  };
  g.canvas.addEventListener('pointerup', end);
  g.canvas.addEventListener('pointercancel', end);
}

// ── Input: signal picker and spectrum ──────────────────────────────────────────────────────────
const signalBox = el('section', { class: 'panel signal-panel', 'aria-labelledby': 'signal-heading' });
signalBox.append(el('h2', { id: 'signal-heading' }, 'The signal x and its spectrum'));
const select = el('select', { id: 'signal' });
select.append(el('option', { value: 'field' }, `random field, degrees 1–${FIELD_BAND - 1}`));
for (const [l, m] of HARMONICS) select.append(el('option', { value: `${l},${m}` }, `Y(l=${l}, m=${m})`));
const selectLabel = el('label', { for: 'signal' }, 'Signal ');
selectLabel.append(select);
const reseed = el('button', { type: 'button' }, 'New random field');
const pickRow = el('div', { class: 'buttons' });
pickRow.append(selectLabel, reseed);
const spectrum = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
spectrum.setAttribute('role', 'img');
spectrum.setAttribute('aria-labelledby', 'spectrum-caption');
spectrum.classList.add('spectrum');
const spectrumCaption = el('p', { id: 'spectrum-caption', class: 'hint wide' });
signalBox.append(pickRow, spectrum, spectrumCaption);
select.addEventListener('change', () => {
  if (select.value === 'field') signal = { kind: 'field', seed: signal.kind === 'field' ? signal.seed : 7 };
  else {
    const [l, m] = select.value.split(',').map(Number);
    signal = { kind: 'harmonic', l: l!, m: m! };
  }
  setSignal();
});
reseed.addEventListener('click', () => {
  signal = { kind: 'field', seed: Math.floor(Math.random() * 1e9) };
  select.value = 'field';
  setSignal();
});

let inputScale = 1;
function setSignal(): void {
  coeffs = signalCoefficients(signal);
  const values = displaySht.inverse(coeffs);
  inputScale = maxAbs(values);
  globe?.setSignal(values, inputScale);
  drawSpectrumNow();
  request();
}
function drawSpectrumNow(rotatedCoeffsPower?: Float64Array): void {
  const power = powerSpectrum(coeffs, spectrumDegrees);
  drawSpectrum(spectrum, power, rotatedCoeffsPower ?? power);
  spectrumCaption.textContent =
    'Power per degree l, Σ_m c_lm² (log scale; bars: x, dots: the rotated x). A rotation mixes the ' +
    '2l+1 orders m within each degree but never moves power between degrees, so the dots sit on the ' +
    'bars: the spectrum is rotation invariant.';
}

const inputRow = el('div', { class: 'row' });
inputRow.append(globeBox, signalBox);

// ── Output: one panel per convolution family ───────────────────────────────────────────────────
const FAMILIES: Record<FamilyKey, { title: string; sampling: string; blurb: string }> = {
  zonal: {
    title: 'Harmonic (zonal) convolution',
    sampling: `Gauss–Legendre ${NLAT}×${NLON}`,
    blurb:
      'SHT → one weight per degree l → inverse SHT (Driscoll–Healy). Rotations act within each degree, ' +
      'so it commutes with every rotation exactly; what remains is float32 rounding.',
  },
  disco: {
    title: 'DISCO convolution',
    sampling: `Gauss–Legendre ${NLAT}×${NLON}`,
    blurb:
      'A continuous isotropic filter (3 radial hats) integrated by the grid’s quadrature (Ocampo et al.). ' +
      'Exact for turns about the pole by whole grid steps; otherwise off by the quadrature error, which ' +
      'shrinks as the grid is refined.',
  },
  graph: {
    title: 'DeepSphere graph convolution',
    sampling: `HEALPix Nside ${HEALPIX_NSIDE} (${12 * HEALPIX_NSIDE ** 2} pixels)`,
    blurb:
      'Chebyshev polynomials (K = 3) of the 8-neighbour pixel graph’s Laplacian. It needs HEALPix, so ' +
      'it runs there (the same signal, synthesised on HEALPix) and is drawn by nearest pixel on the grid. ' +
      'The graph is not rotation invariant, so neither is the layer.',
  },
};

interface FamilyPanel {
  error: HTMLElement;
  output: HTMLCanvasElement;
  reference: HTMLCanvasElement;
  diff: HTMLCanvasElement;
  diffCaption: HTMLElement;
}
function mapFigure(
  label: string,
  caption: string,
): { fig: HTMLElement; canvas: HTMLCanvasElement; cap: HTMLElement } {
  const fig = el('figure');
  const canvas = el('canvas', {
    width: String(NLON),
    height: String(NLAT),
    role: 'img',
    'aria-label': label,
  });
  canvas.className = 'map';
  const cap = el('figcaption', {}, caption);
  fig.append(canvas, cap);
  return { fig, canvas, cap };
}

const rotatedFigure = mapFigure(
  'The rotated input R x on the computing grid (equirectangular)',
  'R x on the 32×64 grid the layers see (longitude 0 at both edges, north at the top)',
);
const table = el('table', { class: 'metrics', id: 'errors' });
table.innerHTML =
  '<caption>Relative equivariance error ‖conv(R x) − R̂ conv(x)‖ / ‖R̂ conv(x)‖ for the current rotation</caption>' +
  '<thead><tr><th scope="col">family</th><th scope="col">sampling</th><th scope="col">error</th>' +
  '<th scope="col">floor</th><th scope="col">ms (batch 2)</th></tr></thead>';
const tbody = el('tbody');
table.append(tbody);
const rows: Record<FamilyKey, HTMLTableCellElement[]> = {} as Record<FamilyKey, HTMLTableCellElement[]>;
const panels: Record<FamilyKey, FamilyPanel> = {} as Record<FamilyKey, FamilyPanel>;
const familySection = el('section', { 'aria-labelledby': 'families-heading' });
familySection.append(el('h2', { id: 'families-heading' }, 'Each convolution on the rotated signal'));
familySection.append(table);
rotatedFigure.fig.classList.add('rotated-input');
signalBox.append(rotatedFigure.fig);
for (const key of Object.keys(FAMILIES) as FamilyKey[]) {
  const f = FAMILIES[key];
  const tr = el('tr');
  const cells = [f.title, f.sampling, '…', '…', '…'].map((t, i) => el(i === 0 ? 'th' : 'td', {}, t));
  cells[0]!.setAttribute('scope', 'row');
  tr.append(...cells);
  tbody.append(tr);
  rows[key] = cells as HTMLTableCellElement[];
  const card = el('article', { class: 'panel family', 'aria-labelledby': `family-${key}` });
  const error = el('p', { class: 'equivariance' }, 'computing…');
  const out = mapFigure(`${f.title} of the rotated input`, 'conv(R x)');
  const ref = mapFigure(`${f.title} of the unrotated input, then rotated`, 'R̂ conv(x)');
  const diff = mapFigure(`Difference between the two maps, ${f.title}`, 'difference');
  const maps = el('div', { class: 'maps' });
  maps.append(out.fig, ref.fig, diff.fig);
  const side = el('div', { class: 'side' });
  side.append(el('p', { class: 'hint' }, f.blurb), error);
  const body = el('div', { class: 'family-body' });
  body.append(maps, side);
  card.append(el('h3', { id: `family-${key}` }, `${f.title} · ${f.sampling}`), body);
  familySection.append(card);
  panels[key] = {
    error,
    output: out.canvas,
    reference: ref.canvas,
    diff: diff.canvas,
    diffCaption: diff.cap,
  };
}

const explain = el('section', { class: 'explain', 'aria-labelledby': 'explain-heading' });
explain.innerHTML = `
  <h2 id="explain-heading">How the numbers are made</h2>
  <p>The signal is a set of real spherical-harmonic coefficients c<sub>lm</sub> (degrees below ${BAND_LIMIT}).
  Rotating it is exact: each degree's 2l+1 coefficients are multiplied by the Wigner matrix D<sup>l</sup>(R)
  (float64, in the worker), then synthesised on the ${NLAT}×${NLON} Gauss–Legendre grid (or on HEALPix for
  the graph layer). Each layer, with fixed random weights, runs on x and on R x in one batch on the
  backend shown above. Its output for x is then rotated <em>through the transform</em> (analysis, Wigner
  rotation, synthesis — R̂), and compared with its output for R x, area-weighted. The <em>floor</em>,
  ‖R̂⁻¹R̂ y − y‖/‖y‖, is what that rotation of the output alone loses when the output is not band-limited
  (DISCO, graph): an error near its floor is as small as this measurement can show.</p>
  <p>Difference maps are scaled to their own largest value (the factor is under each). The same measurement over
  many rotations and grid sizes is <code>packages/sphere/bench/equivariance.mjs</code>.</p>`;

page.main.append(inputRow, familySection, explain);

// ── Worker ─────────────────────────────────────────────────────────────────────────────────────
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let ready = false;
let busy = false;
let nextId = 0;
let pending = false;

function request(): void {
  if (!ready || busy) {
    pending = true;
    return;
  }
  pending = false;
  busy = true;
  const req: SphereRequest = { type: 'compute', id: ++nextId, coeffs, euler: matrixToEuler(rotation) };
  worker.postMessage(req);
}

function fmt(x: number): string {
  return x.toExponential(1);
}

function showFamily(f: FamilyResult): void {
  const p = panels[f.key];
  const scale = maxAbs(f.reference);
  drawMap(p.output, f.output, NLAT, NLON, scale);
  drawMap(p.reference, f.reference, NLAT, NLON, scale);
  const diff = f.output.map((v, i) => v - f.reference[i]!);
  const dmax = maxAbs(diff);
  drawMap(p.diff, diff, NLAT, NLON, dmax);
  p.diffCaption.textContent = `difference (×${(scale / Math.max(dmax, 1e-30)).toPrecision(2)})`;
  p.error.textContent = `equivariance error ${fmt(f.error)} (floor ${fmt(f.floor)})`;
  p.error.classList.toggle('exact', f.error < 1e-4);
  const cells = rows[f.key];
  cells[2]!.textContent = fmt(f.error);
  cells[3]!.textContent = fmt(f.floor);
  cells[4]!.textContent = f.ms.toFixed(0);
}

worker.onerror = (e) => page.showError(`The worker failed: ${e.message}`);
worker.onmessage = (e: MessageEvent<SphereMessage>) => {
  const m = e.data;
  if (handleStatus(page, m)) return;
  if (m.type === 'ready') {
    ready = true;
    request();
  } else if (m.type === 'result') {
    busy = false;
    drawMap(rotatedFigure.canvas, m.rotatedInput, NLAT, NLON, inputScale);
    drawSpectrumNow(powerSpectrum(rotateCoefficients(coeffs, BAND_LIMIT, m.euler), spectrumDegrees));
    for (const f of m.families) showFamily(f);
    const zonal = m.families.find((f) => f.key === 'zonal')!;
    if (document.body.dataset.status !== 'done') {
      page.setStatus(
        checkMode
          ? `Self-check: a random rotation; harmonic convolution's equivariance error ${fmt(zonal.error)}.`
          : 'Ready: drag the globe or move the sliders.',
      );
      page.done(zonal.error);
    } else {
      page.setStatus(`Computed in ${m.ms.toFixed(0)} ms.`);
    }
    if (pending) request();
  }
};

showRotation(true);
setSignal();
worker.postMessage({ type: 'init', backend: param('backend') } satisfies SphereRequest);
