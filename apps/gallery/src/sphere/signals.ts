/**
 * Input signals as packed real spherical-harmonic coefficients c[l² + l + m] (ortho norm),
 * `[BAND_LIMIT²]`: a band-limited random field and single harmonics Y_lm.
 */
import { seededUniform } from '@erlangen/sphere';
import { BAND_LIMIT } from './protocol.js';

/** The random field's band limit: degrees 0 … 11, below the HEALPix graph's transform limit (24). */
export const FIELD_BAND = 12;

export const HARMONICS: [number, number][] = [
  [1, 0],
  [2, 1],
  [3, -2],
  [4, 4],
  [6, 3],
  [8, -5],
];

export type SignalChoice = { kind: 'field'; seed: number } | { kind: 'harmonic'; l: number; m: number };

/** A Gaussian random field with power per coefficient ∝ 1/(l + 1), degrees below FIELD_BAND, no mean. */
function randomField(seed: number): Float64Array {
  const rand = seededUniform(seed);
  const c = new Float64Array(BAND_LIMIT * BAND_LIMIT);
  for (let l = 1; l < FIELD_BAND; l++)
    for (let m = -l; m <= l; m++) {
      const g = Math.sqrt(-2 * Math.log(rand() + 1e-300)) * Math.cos(2 * Math.PI * rand());
      c[l * l + l + m] = g / Math.sqrt(l + 1);
    }
  return c;
}

export function signalCoefficients(choice: SignalChoice): Float64Array {
  if (choice.kind === 'field') return randomField(choice.seed);
  const c = new Float64Array(BAND_LIMIT * BAND_LIMIT);
  c[choice.l * choice.l + choice.l + choice.m] = 1;
  return c;
}

/** Power per degree, Σ_m c_lm², `[degrees]`. */
export function powerSpectrum(c: Float64Array, degrees: number): Float64Array {
  const out = new Float64Array(degrees);
  for (let l = 0; l < degrees; l++) for (let m = -l; m <= l; m++) out[l]! += c[l * l + l + m]! ** 2;
  return out;
}
