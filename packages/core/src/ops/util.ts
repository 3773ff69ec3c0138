import type { Backend, DataId } from '../backend/kernels.js';
import type { DType } from '../dtype.js';
import { engine } from '../engine.js';
import { argError, describeValue, ErlangenError, fmtShape } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';

export function wrap(id: DataId, shape: Shape, dtype: DType, backend: Backend): Tensor {
  return new Tensor(id, shape, dtype, backend);
}

/** Checks that `x` is a live tensor, naming the op and argument otherwise. */
export function assertTensor(op: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) argError(op, arg, 'a Tensor', describeValue(x));
  return x.assertAlive(op, arg);
}

/** Ops that index along an axis need one: rejects 0-d tensors naming the op. */
export function assertMinRank(op: string, arg: string, x: Tensor, min: number): void {
  if (x.ndim < min)
    argError(
      op,
      arg,
      `a tensor with at least ${min} dimension${min === 1 ? '' : 's'}`,
      `a ${x.ndim}-d tensor`,
    );
}

/**
 * Backend kernels validate indices under their own kernel name; this reports such a failure under
 * the public op the user called (scatterAdd rather than the indexAdd kernel it runs on).
 */
export function asOp<T>(op: string, kernel: string, fn: () => T): T {
  if (op === kernel) return fn();
  try {
    return fn();
  } catch (e) {
    if (e instanceof ErlangenError && e.message.startsWith(`${kernel}:`)) {
      throw new ErlangenError(`${op}:${e.message.slice(kernel.length + 1)}`);
    }
    throw e;
  }
}

export function assertDType(op: string, arg: string, x: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(x.dtype)) argError(op, arg, `dtype ${allowed.join(' or ')}`, x.dtype);
}

export function assertRank(op: string, arg: string, x: Tensor, ranks: readonly number[], what = ''): void {
  if (!ranks.includes(x.ndim)) {
    argError(
      op,
      arg,
      `a ${ranks.join(' or ')}-d tensor${what ? ` ${what}` : ''}`,
      `shape ${fmtShape(x.shape)}`,
    );
  }
}

export function sameBackend(op: string, ...ts: Tensor[]): Backend {
  const b = ts[0]!.backend;
  for (const t of ts) {
    if (t.backend !== b) {
      throw new ErlangenError(
        `${op}: all tensors must be on one backend, but received '${b.name}' and '${t.backend.name}'; move one with t.to(name)`,
      );
    }
  }
  return b;
}

/** A number becomes a scalar tensor on `like`'s backend, of `like`'s dtype where the value fits. */
export function asTensor(op: string, arg: string, x: TensorLike, like: Tensor): Tensor {
  if (x instanceof Tensor) return x.assertAlive(op, arg);
  if (typeof x !== 'number') argError(op, arg, 'a Tensor or a number', describeValue(x));
  const dtype: DType = like.dtype === 'float32' || !Number.isInteger(x) ? 'float32' : 'int32';
  return wrap(like.backend.fill([], x, dtype), [], dtype, like.backend);
}

export function currentBackend(): Backend {
  return engine.backend;
}

export function assertIntegerArg(
  op: string,
  arg: string,
  v: unknown,
  min = Number.NEGATIVE_INFINITY,
): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    argError(
      op,
      arg,
      min > Number.NEGATIVE_INFINITY ? `an integer ≥ ${min}` : 'an integer',
      describeValue(v),
    );
  }
  return v as number;
}

/** Expands a number or pair into [a, b] for 2-D geometry arguments. */
export function pair(
  op: string,
  arg: string,
  v: number | readonly [number, number],
  min: number,
): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= min)) {
    argError(
      op,
      arg,
      `an integer ≥ ${min} or a pair of them`,
      Array.isArray(v) ? `[${v.join(', ')}]` : `${v}`,
    );
  }
  return p;
}
