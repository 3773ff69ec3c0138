import { argError, checkPositiveInt } from '../errors.js';

/**
 * Wigner d-matrices d^l_{m,m'}(β) = ⟨l m| e^{−iβJ_y} |l m'⟩ by Risbo's recursion (as in McEwen's
 * ssht): plane l from plane l−1 through two half-integer steps, each a convex-like combination
 * with weights √(…)·cos(β/2), sin(β/2), which keeps it stable to high degree (no factorials, no
 * overflow). Planes are (2l+1)² row-major: d[(m + l)(2l+1) + (m' + l)].
 */
export function* wignerDPlanes(bandLimit: number, beta: number): Generator<Float64Array, void, void> {
  checkPositiveInt('wignerDPlanes', 'bandLimit', bandLimit);
  if (!Number.isFinite(beta)) argError('wignerDPlanes', 'beta', 'a finite angle', String(beta));
  const sq = new Float64Array(2 * bandLimit + 2).map((_, i) => Math.sqrt(i));
  let prev: Float64Array = new Float64Array([1]);
  yield prev;
  if (bandLimit === 1) return;
  const cb = Math.cos(beta);
  const sb = Math.sin(beta);
  const ch = Math.cos(beta / 2);
  const sh = Math.sin(beta / 2);
  prev = new Float64Array([
    ch * ch,
    sb / Math.SQRT2,
    sh * sh,
    -sb / Math.SQRT2,
    cb,
    sb / Math.SQRT2,
    sh * sh,
    -sb / Math.SQRT2,
    ch * ch,
  ]);
  yield prev;
  const coshb = -ch;
  const sinhb = sh;
  for (let el = 2; el < bandLimit; el++) {
    const w = 2 * el + 2;
    const dd = new Float64Array(w * w);
    const pw = 2 * el - 1;
    let j = 2 * el - 1;
    for (let k = 0; k <= j - 1; k++)
      for (let i = 0; i <= j - 1; i++) {
        const dlj = prev[k * pw + i]! / j;
        dd[k * w + i]! += sq[j - i]! * sq[j - k]! * dlj * coshb;
        dd[k * w + i + 1]! -= sq[i + 1]! * sq[j - k]! * dlj * sinhb;
        dd[(k + 1) * w + i]! += sq[j - i]! * sq[k + 1]! * dlj * sinhb;
        dd[(k + 1) * w + i + 1]! += sq[i + 1]! * sq[k + 1]! * dlj * coshb;
      }
    const nw = 2 * el + 1;
    const next = new Float64Array(nw * nw);
    j = 2 * el;
    for (let k = 0; k <= j - 1; k++)
      for (let i = 0; i <= j - 1; i++) {
        const ddj = dd[k * w + i]! / j;
        next[k * nw + i]! += sq[j - i]! * sq[j - k]! * ddj * coshb;
        next[k * nw + i + 1]! -= sq[i + 1]! * sq[j - k]! * ddj * sinhb;
        next[(k + 1) * nw + i]! += sq[j - i]! * sq[k + 1]! * ddj * sinhb;
        next[(k + 1) * nw + i + 1]! += sq[i + 1]! * sq[k + 1]! * ddj * coshb;
      }
    prev = next;
    yield prev;
  }
}

/** d^l_{m,m'}(β) for one degree (runs the recursion up to l). */
export function wignerD(l: number, beta: number): Float64Array {
  if (!Number.isInteger(l) || l < 0) argError('wignerD', 'l', 'a non-negative integer', String(l));
  let last: Float64Array = new Float64Array([1]);
  for (const plane of wignerDPlanes(l + 1, beta)) last = plane;
  return last;
}
