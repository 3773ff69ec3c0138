import { argError, describeValue } from '../errors.js';

/** A finite number ≥ min (NaN and ±∞ rejected), named in the error. */
export function checkNonNegative(op: string, arg: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    argError(op, arg, `a finite number ≥ ${min}`, describeValue(v));
  }
  return v;
}

/** A number in [0, 1) (Adam's betas). */
export function checkUnitInterval(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) argError(op, arg, 'a number in [0, 1)', describeValue(v));
  return v;
}

export function checkBoolean(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') argError(op, arg, 'a boolean', describeValue(v));
  return v;
}
