/** Draws 28×28 images and feature maps into canvases of the same pixel size (CSS scales them up). */

/** Ink on paper: 0 → white, 1 → near-black. `pixels`: [size·size] in [0, 1]. */
export function drawGrey(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let p = 0; p < pixels.length; p++) {
    const v = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[p]!))));
    img.data.set([v, v, v, 255], 4 * p);
  }
  ctx.putImageData(img, 0, 0);
}

// A perceptually ordered dark-to-bright map (stops of matplotlib's "magma", reversed onto white).
const STOPS: [number, number, number][] = [
  [252, 253, 191],
  [254, 176, 120],
  [241, 96, 93],
  [183, 55, 121],
  [114, 31, 129],
  [44, 17, 95],
  [0, 0, 4],
];

/** Non-negative activations, `value / max` mapped from pale (0) to dark (max). */
export function drawHeat(canvas: HTMLCanvasElement, values: ArrayLike<number>, max: number): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const last = STOPS.length - 1;
  for (let p = 0; p < values.length; p++) {
    const t = Math.min(1, Math.max(0, values[p]! / max)) * last;
    const k = Math.min(last - 1, Math.floor(t));
    const f = t - k;
    const a = STOPS[k]!;
    const b = STOPS[k + 1]!;
    img.data.set([a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), 255], 4 * p);
  }
  ctx.putImageData(img, 0, 0);
}
