/**
 * The information plane as an SVG string: x = I(X;T), y = I(T;Y) in bits; one marker per layer per
 * recorded epoch, coloured by epoch (viridis on a log scale, as the epochs are log-spaced), the layers
 * of each epoch joined by a faint line, the shown epoch drawn large with layer labels, and a colour
 * bar. Axes and colours are fixed by the planned run so the frames of the animation line up.
 */
import { viridis } from '@erlangen/info-bottleneck';

export interface PlaneView {
  /** all planned recording epochs (fixes the colour scale) */
  plannedEpochs: number[];
  /** recorded epochs so far, ascending; ixt/ity are [recorded][layer] in bits */
  epochs: number[];
  ixt: number[][];
  ity: number[][];
  layerLabels: string[];
  /** index into `epochs` of the epoch shown: epochs 0…shown are drawn */
  shown: number;
  /** axis maxima and tick steps in bits */
  xMax: number;
  yMax: number;
  xStep: number;
  yStep: number;
  /** dashed reference lines: log₂ N on x, H(Y) on y */
  xRef: { value: number; label: string };
  yRef: { value: number; label: string };
  title: string;
}

const W = 680;
const H = 470;
const M = { l: 62, r: 118, t: 34, b: 52 };
const PW = W - M.l - M.r;
const PH = H - M.t - M.b;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Epoch → colour position in [0, 1] on a log(epoch + 1) scale over the planned run. */
export function epochPosition(planned: number[], epoch: number): number {
  const lo = Math.log(planned[0]! + 1);
  const hi = Math.log(planned[planned.length - 1]! + 1);
  return hi > lo ? (Math.log(epoch + 1) - lo) / (hi - lo) : 0;
}

function colourBarTicks(last: number): number[] {
  const out = [0];
  for (let p = 1; 10 ** p < last * 0.7; p++) out.push(10 ** p);
  out.push(last);
  return out;
}

export function planeSvg(v: PlaneView): string {
  const sx = (x: number) => M.l + (PW * Math.min(x, v.xMax)) / v.xMax;
  const sy = (y: number) => M.t + PH - (PH * Math.min(y, v.yMax)) / v.yMax;
  const colour = (e: number) => viridis(epochPosition(v.plannedEpochs, e));
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12" aria-hidden="true">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.l + PW / 2}" y="20" text-anchor="middle" font-size="14">${esc(v.title)}</text>`,
  ];
  // Grid, ticks, axis labels.
  for (let x = 0; x <= v.xMax + 1e-9; x += v.xStep) {
    p.push(`<line x1="${sx(x)}" y1="${M.t}" x2="${sx(x)}" y2="${M.t + PH}" stroke="#eef0f4"/>`);
    p.push(`<text x="${sx(x)}" y="${M.t + PH + 16}" text-anchor="middle">${+x.toFixed(2)}</text>`);
  }
  for (let y = 0; y <= v.yMax + 1e-9; y += v.yStep) {
    p.push(`<line x1="${M.l}" y1="${sy(y)}" x2="${M.l + PW}" y2="${sy(y)}" stroke="#eef0f4"/>`);
    p.push(`<text x="${M.l - 7}" y="${sy(y) + 4}" text-anchor="end">${+y.toFixed(2)}</text>`);
  }
  p.push(`<rect x="${M.l}" y="${M.t}" width="${PW}" height="${PH}" fill="none" stroke="#333"/>`);
  p.push(`<text x="${M.l + PW / 2}" y="${M.t + PH + 36}" text-anchor="middle">I(X;T) [bits]</text>`);
  p.push(
    `<text x="18" y="${M.t + PH / 2}" text-anchor="middle" transform="rotate(-90 18 ${M.t + PH / 2})">I(T;Y) [bits]</text>`,
  );
  // Reference lines.
  p.push(
    `<line x1="${sx(v.xRef.value)}" y1="${M.t}" x2="${sx(v.xRef.value)}" y2="${M.t + PH}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${sx(v.xRef.value) - 4}" y="${M.t + PH - 6}" text-anchor="end" fill="#666" font-size="11">${esc(v.xRef.label)}</text>`,
    `<line x1="${M.l}" y1="${sy(v.yRef.value)}" x2="${M.l + PW}" y2="${sy(v.yRef.value)}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<text x="${M.l + PW - 60}" y="${sy(v.yRef.value) - 4}" text-anchor="end" fill="#666" font-size="11">${esc(v.yRef.label)}</text>`,
  );
  // Epochs 0…shown: faint joins and small markers; the shown epoch on top, large and labelled.
  const shown = Math.min(v.shown, v.epochs.length - 1);
  for (let e = 0; e <= shown; e++) {
    const c = colour(v.epochs[e]!);
    const pts = v.ixt[e]!.map((x, l) => [sx(x), sy(v.ity[e]![l]!)] as const);
    const current = e === shown;
    p.push(
      `<polyline points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${current ? '#222' : c}" stroke-opacity="${current ? 0.7 : 0.3}" stroke-width="${current ? 1.5 : 1}"/>`,
    );
    for (const [x, y] of pts)
      p.push(
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${current ? 6.5 : 3.5}" fill="${c}" stroke="#222" stroke-width="${current ? 1.2 : 0.3}"/>`,
      );
    if (current) {
      // Layers at (nearly) the same point share one label, e.g. "T1 T2" at I(X;T) = 12 bits.
      const groups: { x: number; y: number; names: string[] }[] = [];
      pts.forEach(([x, y], l) => {
        const g = groups.find((q) => Math.hypot(q.x - x, q.y - y) < 9);
        if (g) g.names.push(v.layerLabels[l] ?? '');
        else groups.push({ x, y, names: [v.layerLabels[l] ?? ''] });
      });
      const placed: { x0: number; x1: number; y: number }[] = [];
      groups.forEach((g, i) => {
        // Alternate label sides so neighbouring layers do not overprint; keep labels inside the plot.
        let above = i % 2 === 0;
        if (above && g.y - 11 < M.t + 10) above = false;
        if (!above && g.y + 20 > M.t + PH - 2) above = true;
        const text = g.names.join(' ');
        const width = 6.5 * text.length;
        const anchor = g.x > M.l + PW - 30 ? 'end' : 'middle';
        const x = anchor === 'end' ? g.x + 6 : g.x;
        const x0 = anchor === 'end' ? x - width : x - width / 2;
        let y = above ? g.y - 11 : g.y + 20;
        // Step away from labels already placed (about 6.5 px per character at 11 px).
        while (placed.some((b) => b.x0 < x0 + width && x0 < b.x1 && Math.abs(b.y - y) < 12))
          y += above ? -12 : 12;
        placed.push({ x0, x1: x0 + width, y });
        p.push(
          `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" font-size="11" font-weight="600" fill="#1d2330" paint-order="stroke" stroke="white" stroke-width="3">${esc(text)}</text>`,
        );
      });
    }
  }
  // Colour bar over the planned epochs.
  const cbX = M.l + PW + 34;
  const steps = 48;
  for (let i = 0; i < steps; i++) {
    const y0 = M.t + PH - ((i + 1) * PH) / steps;
    p.push(
      `<rect x="${cbX}" y="${y0.toFixed(1)}" width="16" height="${(PH / steps + 0.6).toFixed(1)}" fill="${viridis(i / (steps - 1))}"/>`,
    );
  }
  p.push(
    `<rect x="${cbX}" y="${M.t}" width="16" height="${PH}" fill="none" stroke="#333" stroke-width="0.6"/>`,
  );
  const last = v.plannedEpochs[v.plannedEpochs.length - 1]!;
  for (const e of colourBarTicks(last)) {
    const y = M.t + PH - PH * epochPosition(v.plannedEpochs, e);
    p.push(
      `<line x1="${cbX + 16}" y1="${y.toFixed(1)}" x2="${cbX + 20}" y2="${y.toFixed(1)}" stroke="#333"/>`,
    );
    p.push(`<text x="${cbX + 23}" y="${(y + 4).toFixed(1)}">${e}</text>`);
  }
  if (v.epochs.length > 0) {
    const y = M.t + PH - PH * epochPosition(v.plannedEpochs, v.epochs[shown]!);
    p.push(`<path d="M ${cbX - 2} ${y.toFixed(1)} l -8 -5 v 10 z" fill="#1d2330"/>`);
  }
  p.push(`<text x="${cbX + 8}" y="${M.t - 10}" text-anchor="middle">epoch</text>`);
  p.push('</svg>');
  return p.join('');
}
