/** The sample digits shipped with the page (assets/samples.json, written by the training script). */

export interface SampleFile {
  size: number;
  labels: number[];
  /** base64 of uint8 pixels, [count, size, size] row-major, 0–255. */
  pixels: string;
}

export interface Digit {
  label: number;
  /** [size·size] row-major, in [0, 1]. */
  pixels: Float32Array;
}

export function decodeSamples(file: SampleFile): Digit[] {
  const bytes = Uint8Array.from(atob(file.pixels), (ch) => ch.charCodeAt(0));
  const n = file.size * file.size;
  if (bytes.length !== file.labels.length * n) {
    throw new Error(
      `samples.json: expected ${file.labels.length} digits of ${n} pixels, found ${bytes.length} bytes`,
    );
  }
  return file.labels.map((label, i) => ({
    label,
    pixels: Float32Array.from(bytes.subarray(i * n, (i + 1) * n), (v) => v / 255),
  }));
}

/**
 * Moves a drawn digit by whole pixels so that its centre of mass lands on the image centre, as MNIST
 * digits are placed; an empty image comes back unchanged. [size·size] → [size·size].
 */
export function centreOfMassShift(pixels: Float32Array, size = 28): Float32Array {
  let mass = 0;
  let mi = 0;
  let mj = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = pixels[i * size + j]!;
      mass += v;
      mi += v * i;
      mj += v * j;
    }
  }
  if (mass === 0) return pixels.slice();
  const c = (size - 1) / 2;
  const di = Math.round(c - mi / mass);
  const dj = Math.round(c - mj / mass);
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const si = i - di;
      const sj = j - dj;
      if (si >= 0 && si < size && sj >= 0 && sj < size) out[i * size + j] = pixels[si * size + sj]!;
    }
  }
  return out;
}
