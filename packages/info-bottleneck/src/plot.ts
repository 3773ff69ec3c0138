import { argError } from '@erlangen/core';
import type { EpochRecord } from './recorder.js';

/** Information-plane data of one estimator: [epoch][layer] arrays of I(X;T) and I(T;Y) in bits. */
export interface PlaneSeries {
  estimator: string;
  layerNames: string[];
  epochs: number[];
  /** [epochs.length][layers] */
  ixt: number[][];
  /** [epochs.length][layers] */
  ity: number[][];
}

/** Extracts one estimator's series from a recorder's history (`recorder.history`). */
export function planeSeries(
  history: readonly EpochRecord[],
  estimator: string,
  layerNames: string[] = [],
): PlaneSeries {
  if (history.length === 0)
    argError('planeSeries', 'history', 'at least one recorded epoch', 'an empty history');
  const epochs: number[] = [];
  const ixt: number[][] = [];
  const ity: number[][] = [];
  for (const h of history) {
    const rs = h.records.filter((r) => r.estimator === estimator).sort((a, b) => a.layer - b.layer);
    if (rs.length === 0) continue;
    epochs.push(h.epoch);
    ixt.push(rs.map((r) => r.ixt));
    ity.push(rs.map((r) => r.ity));
  }
  if (epochs.length === 0) {
    const known = [...new Set(history.flatMap((h) => h.records.map((r) => r.estimator)))].join(', ');
    argError('planeSeries', 'estimator', `one of: ${known}`, JSON.stringify(estimator));
  }
  const layers = ixt[0]!.length;
  const names = Array.from({ length: layers }, (_, l) => layerNames[l] ?? `layer ${l + 1}`);
  return { estimator, layerNames: names, epochs, ixt, ity };
}

// Viridis at 9 evenly spaced points (matplotlib's table), interpolated linearly in RGB.
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Viridis colour at u ∈ [0, 1] as `rgb(r,g,b)`. */
export function viridis(u: number): string {
  const v = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(v));
  const f = v - i;
  const c = VIRIDIS[i]!.map((a, k) => Math.round(a + f * (VIRIDIS[i + 1]![k]! - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function ticks(max: number, count = 5): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (i * max) / count);
}

export interface PlaneSvgOptions {
  title?: string;
  width?: number;
  height?: number;
  /** axis limits in bits (default: data maxima, rounded up) */
  xMax?: number;
  yMax?: number;
  /** draw only epochs[0..upTo] (animation frames); default all */
  upTo?: number;
  /** a caveat printed under the plot (default: the binning/clustering caveat) */
  note?: string;
}

export const DEFAULT_NOTE =
  'In a deterministic network I(X;T) is log N (or infinite) for continuous T; binning and KDE measure how the estimator’s resolution separates inputs (clustering), not information (Goldfeld et al. 2019).';

/** Epoch → colour position: log scale, as epochs are log-spaced. */
function epochScale(epochs: number[]): (e: number) => number {
  const lo = Math.log(epochs[0]! + 1);
  const hi = Math.log(epochs[epochs.length - 1]! + 1);
  return (e) => (hi > lo ? (Math.log(e + 1) - lo) / (hi - lo) : 0);
}

/**
 * The information plane as an SVG string: x = I(X;T), y = I(T;Y) (bits), one marker per layer per
 * epoch coloured by epoch (viridis, log scale), the layers of each epoch joined by a line, a colour bar.
 */
export function informationPlaneSvg(series: PlaneSeries, opts: PlaneSvgOptions = {}): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const m = { l: 60, r: 110, t: 40, b: 80 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const upTo = Math.min(series.epochs.length - 1, opts.upTo ?? series.epochs.length - 1);
  const xMax = opts.xMax ?? niceMax(Math.max(...series.ixt.flat()));
  const yMax = opts.yMax ?? niceMax(Math.max(...series.ity.flat()));
  const sx = (v: number) => m.l + (pw * v) / xMax;
  const sy = (v: number) => m.t + ph - (ph * v) / yMax;
  const col = epochScale(series.epochs);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="14">${esc(opts.title ?? `Information plane — ${series.estimator}`)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  ];
  for (const v of ticks(xMax)) {
    parts.push(`<line x1="${sx(v)}" y1="${m.t + ph}" x2="${sx(v)}" y2="${m.t + ph + 4}" stroke="#333"/>`);
    parts.push(`<text x="${sx(v)}" y="${m.t + ph + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of ticks(yMax)) {
    parts.push(`<line x1="${m.l - 4}" y1="${sy(v)}" x2="${m.l}" y2="${sy(v)}" stroke="#333"/>`);
    parts.push(`<text x="${m.l - 7}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  parts.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + 34}" text-anchor="middle">I(X;T) [bits]</text>`);
  parts.push(
    `<text x="16" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">I(T;Y) [bits]</text>`,
  );
  for (let e = 0; e <= upTo; e++) {
    const c = viridis(col(series.epochs[e]!));
    const pts = series.ixt[e]!.map((x, l) => `${sx(x).toFixed(1)},${sy(series.ity[e]![l]!).toFixed(1)}`);
    parts.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-opacity="0.35" stroke-width="1"/>`,
    );
    for (const p of pts) {
      const [x, y] = p.split(',');
      parts.push(`<circle cx="${x}" cy="${y}" r="3.5" fill="${c}" stroke="#222" stroke-width="0.3"/>`);
    }
  }
  // Colour bar (log epochs).
  const cbX = m.l + pw + 30;
  const steps = 40;
  for (let i = 0; i < steps; i++) {
    const y0 = m.t + ph - ((i + 1) * ph) / steps;
    parts.push(
      `<rect x="${cbX}" y="${y0.toFixed(1)}" width="16" height="${(ph / steps + 0.5).toFixed(1)}" fill="${viridis(i / (steps - 1))}"/>`,
    );
  }
  const first = series.epochs[0]!;
  const last = series.epochs[series.epochs.length - 1]!;
  for (const e of new Set([first, Math.round(Math.sqrt((first + 1) * (last + 1))) - 1, last])) {
    const y = m.t + ph - ph * col(e);
    parts.push(`<text x="${cbX + 20}" y="${(y + 4).toFixed(1)}">${e}</text>`);
  }
  parts.push(`<text x="${cbX + 8}" y="${m.t - 8}" text-anchor="middle">epoch</text>`);
  const note = opts.note ?? DEFAULT_NOTE;
  wrap(note, 100).forEach((line, i) => {
    parts.push(`<text x="${m.l}" y="${H - 30 + i * 13}" font-size="10" fill="#555">${esc(line)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (`${line} ${w}`.trim().length > width) {
      out.push(line);
      line = w;
    } else line = `${line} ${w}`.trim();
  }
  if (line) out.push(line);
  return out.slice(0, 3);
}

const LAYER_COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
];

/**
 * Per-layer curves as an SVG string: two panels, I(X;T) and I(T;Y) against epoch (log axis,
 * epoch + 1), one line per layer.
 */
export function layerCurvesSvg(
  series: PlaneSeries,
  opts: { title?: string; width?: number; height?: number } = {},
): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 360;
  const m = { l: 55, r: 130, t: 40, b: 45, gap: 60 };
  const pw = (W - m.l - m.r - m.gap) / 2;
  const ph = H - m.t - m.b;
  const lx0 = Math.log10(series.epochs[0]! + 1);
  const lx1 = Math.log10(series.epochs[series.epochs.length - 1]! + 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(opts.title ?? `Per-layer information — ${series.estimator}`)}</text>`,
  ];
  const panel = (k: number, data: number[][], label: string) => {
    const x0 = m.l + k * (pw + m.gap);
    const yMax = niceMax(Math.max(...data.flat()));
    const sx = (e: number) => x0 + (lx1 > lx0 ? (pw * (Math.log10(e + 1) - lx0)) / (lx1 - lx0) : 0);
    const sy = (v: number) => m.t + ph - (ph * v) / yMax;
    parts.push(`<rect x="${x0}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
    for (const v of ticks(yMax))
      parts.push(`<text x="${x0 - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
    for (let p = 0; 10 ** p <= series.epochs[series.epochs.length - 1]! + 1; p++) {
      const e = 10 ** p - 1;
      if (e < series.epochs[0]!) continue;
      parts.push(`<text x="${sx(e)}" y="${m.t + ph + 15}" text-anchor="middle">${10 ** p}</text>`);
    }
    parts.push(`<text x="${x0 + pw / 2}" y="${m.t + ph + 32}" text-anchor="middle">epoch + 1 (log)</text>`);
    parts.push(`<text x="${x0 + pw / 2}" y="${m.t - 6}" text-anchor="middle">${label} [bits]</text>`);
    const layers = data[0]!.length;
    for (let l = 0; l < layers; l++) {
      const pts = series.epochs.map((e, i) => `${sx(e).toFixed(1)},${sy(data[i]![l]!).toFixed(1)}`).join(' ');
      parts.push(
        `<polyline points="${pts}" fill="none" stroke="${LAYER_COLOURS[l % LAYER_COLOURS.length]}" stroke-width="1.5"/>`,
      );
    }
  };
  panel(0, series.ixt, 'I(X;T)');
  panel(1, series.ity, 'I(T;Y)');
  series.layerNames.forEach((name, l) => {
    const y = m.t + 10 + l * 16;
    const x = W - m.r + 10;
    parts.push(
      `<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${LAYER_COLOURS[l % LAYER_COLOURS.length]}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${x + 20}" y="${y + 4}" font-size="10">${esc(name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Animation frames for a browser gallery: frame i is the information plane up to epochs[i], with fixed
 * axes so frames line up. Returns one SVG string per recorded epoch.
 */
export function informationPlaneFrames(series: PlaneSeries, opts: PlaneSvgOptions = {}): string[] {
  const xMax = opts.xMax ?? niceMax(Math.max(...series.ixt.flat()));
  const yMax = opts.yMax ?? niceMax(Math.max(...series.ity.flat()));
  return series.epochs.map((e, i) =>
    informationPlaneSvg(series, {
      ...opts,
      xMax,
      yMax,
      upTo: i,
      title: `${opts.title ?? series.estimator} — epoch ${e}`,
    }),
  );
}
