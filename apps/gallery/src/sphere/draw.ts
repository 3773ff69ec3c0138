/** Drawing for the sphere page: a diverging colour map, equirectangular canvases, the spectrum chart. */

/** Blue (−1) → white (0) → red (+1), for v/scale clamped to [−1, 1]: [r, g, b] in 0…255. */
export function diverging(v: number, scale: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v / (scale || 1)));
  if (t >= 0) return [255 - 75 * t, 255 - 215 * t, 255 - 205 * t];
  const s = -t;
  return [255 - 215 * s, 255 - 160 * s, 255 - 75 * s];
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/** Draws a `[nlat, nlon]` map (north pole row first, φ = 0 at the left) into a canvas of that size. */
export function drawMap(
  canvas: HTMLCanvasElement,
  map: ArrayLike<number>,
  nlat: number,
  nlon: number,
  scale: number,
) {
  canvas.width = nlon;
  canvas.height = nlat;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(nlon, nlat);
  for (let i = 0; i < nlat * nlon; i++) {
    const [r, g, b] = diverging(map[i]!, scale);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

const SVG = 'http://www.w3.org/2000/svg';
function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * A bar chart of power per degree on a log scale (bars: the input; dots: the rotated input, which
 * must sit on the bar tops since rotations mix orders m only within a degree l).
 */
export function drawSpectrum(svg: SVGSVGElement, power: Float64Array, rotatedPower: Float64Array): void {
  const W = 420;
  const H = 180;
  const left = 44;
  const bottom = 28;
  const top = 8;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const n = power.length;
  // Four decades down from the decade above the largest power.
  const peak = 10 ** Math.ceil(Math.log10(Math.max(...power, 1e-30)));
  const floor = peak * 1e-4;
  const y = (v: number) => {
    const f = Math.log10(Math.max(v, floor) / floor) / Math.log10(peak / floor);
    return H - bottom - f * (H - bottom - top);
  };
  const bw = (W - left - 6) / n;
  for (let k = 0; k <= 4; k++) {
    const v = floor * 10 ** k;
    const yy = y(v);
    svg.append(svgEl('line', { x1: left, x2: W - 4, y1: yy, y2: yy, stroke: '#e3e7ee' }));
    const label = svgEl('text', { x: left - 4, y: yy + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = v.toExponential(0);
    svg.append(label);
  }
  for (let l = 0; l < n; l++) {
    const x = left + l * bw;
    if (power[l]! > floor) {
      const yy = y(power[l]!);
      svg.append(svgEl('rect', { x: x + 1, y: yy, width: bw - 2, height: H - bottom - yy, fill: '#8aa2c8' }));
    }
    if (rotatedPower[l]! > floor)
      svg.append(svgEl('circle', { cx: x + bw / 2, cy: y(rotatedPower[l]!), r: 2.6, fill: '#b8322a' }));
    if (l % 2 === 0 || n <= 16) {
      const label = svgEl('text', {
        x: x + bw / 2,
        y: H - bottom + 13,
        'text-anchor': 'middle',
        class: 'tick',
      });
      label.textContent = String(l);
      svg.append(label);
    }
  }
  const xlabel = svgEl('text', { x: (left + W) / 2, y: H - 2, 'text-anchor': 'middle', class: 'axis' });
  xlabel.textContent = 'degree l';
  svg.append(xlabel);
}
