/** One model's panel on the grid page: prediction, probability bars, 4 feature maps, errors. */
import { canvas, el } from './dom.js';
import { drawHeat } from './paint.js';
import type { ModelName, ModelResult } from './protocol.js';

export interface ModelPanel {
  root: HTMLElement;
  heading: HTMLElement;
  prediction: HTMLElement;
  bars: { fill: HTMLElement; value: HTMLElement; row: HTMLElement }[];
  maps: HTMLCanvasElement[];
  captions: HTMLElement[];
  invariance: HTMLElement;
  extra: HTMLElement;
}

/** An empty panel (10 bars, 4 map canvases) for one model; `showModelResult` fills it. */
export function modelPanel(name: ModelName, title: string): ModelPanel {
  const root = el('section', { class: `panel model ${name}`, 'aria-labelledby': `${name}-heading` });
  const heading = el('h2', { id: `${name}-heading` }, title);
  const prediction = el('p', { class: 'prediction', 'aria-live': 'polite' }, '…');
  const chart = el('ol', { class: 'bars', 'aria-label': `${title}: probability of each digit` });
  const bars = Array.from({ length: 10 }, (_, d) => {
    const row = el('li');
    const fill = el('span', { class: 'fill' });
    const value = el('span', { class: 'value' }, '');
    const track = el('span', { class: 'track' });
    track.append(fill);
    row.append(el('span', { class: 'digit' }, String(d)), track, value);
    chart.append(row);
    return { fill, value, row };
  });
  const extra = el('div', { class: 'extra' });
  const mapRow = el('div', { class: 'maps' });
  const maps: HTMLCanvasElement[] = [];
  const captions: HTMLElement[] = [];
  for (let k = 0; k < 4; k++) {
    const fig = el('figure');
    const c = canvas(28, '', 'map');
    const cap = el('figcaption');
    fig.append(c, cap);
    mapRow.append(fig);
    maps.push(c);
    captions.push(cap);
  }
  const invariance = el('p', { class: 'invariance' }, '');
  root.append(
    heading,
    prediction,
    chart,
    el('h3', {}, 'First-layer feature maps'),
    extra,
    mapRow,
    invariance,
  );
  return { root, heading, prediction, bars, maps, captions, invariance, extra };
}

export const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * Shows one model's answer for the digit turned by `atDegrees`: prediction, bars, the 4 feature maps
 * (one colour scale for all 4, so their strengths compare), and the errors at quarter turns.
 * `orientationChannels`: the maps are a G-CNN field's orientation channels (they shift as well as turn).
 */
export function showModelResult(
  p: ModelPanel,
  r: ModelResult,
  atDegrees: number,
  orientationChannels: boolean,
): void {
  let best = 0;
  for (let d = 1; d < 10; d++) if (r.probs[d]! > r.probs[best]!) best = d;
  p.prediction.innerHTML = '';
  p.prediction.append('Predicts ', el('strong', {}, String(best)), ` (${pct(r.probs[best]!)})`);
  p.bars.forEach((b, d) => {
    b.fill.style.width = `${(100 * r.probs[d]!).toFixed(1)}%`;
    b.value.textContent = pct(r.probs[d]!);
    b.row.classList.toggle('top', d === best);
  });
  let max = 1e-6;
  for (const v of r.maps) max = Math.max(max, v);
  p.maps.forEach((c, k) => {
    drawHeat(c, r.maps.subarray(k * 784, (k + 1) * 784), max);
    c.setAttribute('aria-label', `${p.captions[k]!.textContent} feature map of the turned digit`);
  });
  if (r.invarianceError === null || r.mapError === null) {
    p.invariance.textContent = `Errors are measured at multiples of 90° (now ${atDegrees}°).`;
  } else {
    const how = orientationChannels ? 'turned and shifted' : 'turned';
    p.invariance.textContent =
      `At ${atDegrees}°: invariance error max |Δlogit| = ${r.invarianceError.toExponential(2)}; ` +
      `maps vs the upright maps ${how}: ${r.mapError.toExponential(2)} (relative)`;
  }
  p.invariance.classList.toggle('exact', r.invarianceError !== null && r.invarianceError < 1e-4);
}
