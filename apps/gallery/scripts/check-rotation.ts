/**
 * Writes the page's bilinear rotation (src/grid/models.ts rotateImage) of a sample digit at a few
 * angles to JSON, for scripts/check_rotation.py to compare with scipy.ndimage.rotate and numpy.rot90.
 * Bundle and run like train-grid-models.ts (see assets/README.md):
 *   node apps/gallery/scripts/dist/check-rotation.mjs /tmp/grid-rotation.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rotateImage } from '../src/grid/models.js';

const ANGLES = [30, 90, 137, 180, 270];
const galleryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const samples = JSON.parse(
  readFileSync(join(galleryRoot, 'src', 'grid', 'assets', 'samples.json'), 'utf8'),
) as {
  pixels: string;
};
const bytes = Buffer.from(samples.pixels, 'base64');
const digit = Float32Array.from(bytes.subarray(7 * 784, 8 * 784), (v) => v / 255); // sample 8 (a 7)
const out: Record<string, number[]> = { source: Array.from(digit) };
for (const a of ANGLES) out[String(a)] = Array.from(rotateImage(digit, a));
const path = process.argv[2] ?? '/tmp/grid-rotation.json';
writeFileSync(path, JSON.stringify(out));
console.log(`wrote ${path}`);
