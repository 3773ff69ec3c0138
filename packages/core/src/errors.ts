/**
 * Every error Erlangen throws for bad input is an `ErlangenError` whose message names the op,
 * the argument, what was expected and what was received, so a user can fix the call site
 * without reading our source.
 */
export class ErlangenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErlangenError';
  }
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws `op: argument 'arg' expected <expected> but received <received>`. */
export function argError(op: string, arg: string, expected: string, received: string): never {
  throw new ErlangenError(`${op}: argument '${arg}' expected ${expected} but received ${received}`);
}

export function check(
  cond: boolean,
  op: string,
  arg: string,
  expected: string,
  received: () => string,
): void {
  if (!cond) argError(op, arg, expected, received());
}

export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : `${x}`;
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/**
 * Argument checks shared by core and the domain packages (graph, grid): each returns `v` narrowed
 * to a number or throws the `argError` message above.
 */
export function checkPositiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    argError(op, arg, 'a positive integer', String(v));
  return v;
}

export function checkNonNegativeInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    argError(op, arg, 'a non-negative integer', String(v));
  return v;
}

/** A dropout-style probability: p in [0, 1). */
export function checkProbability(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) argError(op, arg, 'a probability in [0, 1)', String(v));
  return v;
}
