/**
 * Parameter initialisers after torch.nn.init. Each takes either a shape (and returns a new tensor) or
 * an existing tensor (whose values it replaces through `assign`, keeping its identity, and which it
 * returns). Random ones draw from `opts.generator` (default: the global generator).
 */
import { noGrad } from '../autograd.js';
import { argError, describeValue, fmtShape } from '../errors.js';
import { full, type Generator, rand, randn } from '../ops/creation.js';
import { Tensor } from '../tensor.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface InitOptions {
  generator?: Generator;
}

type Target = Tensor | readonly number[];

function shapeOf(op: string, target: Target): readonly number[] {
  if (target instanceof Tensor) return target.shape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && d >= 0)) {
    argError(op, 'target', 'a Tensor or a shape (array of non-negative integers)', describeValue(target));
  }
  return target;
}

/** Writes `values` into `target` when it is a tensor; otherwise `values` is the result. */
function deliver(target: Target, values: Tensor): Tensor {
  if (!(target instanceof Tensor)) return values;
  noGrad(() => target.assign(values));
  return target;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). `param` is leaky_relu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope))
        argError('calculateGain', 'param', 'a finite negative slope', describeValue(param));
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return argError(
        'calculateGain',
        'nonlinearity',
        "one of 'linear', 'conv1d', 'conv2d', 'conv3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'",
        describeValue(nonlinearity),
      );
  }
}

/**
 * fan_in and fan_out of a weight shape, as torch: [out, in, ...kernel] gives
 * fan_in = in·∏kernel, fan_out = out·∏kernel. Needs at least 2 dimensions.
 */
export function calculateFans(
  shape: readonly number[],
  op = 'calculateFans',
): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    argError(
      op,
      'target',
      'a shape with at least 2 dimensions to compute fan in and fan out',
      fmtShape(shape),
    );
  }
  let receptive = 1;
  for (const d of shape.slice(2)) receptive *= d;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Uniform values in [low, high). */
export function uniform(target: Target, low = 0, high = 1, opts: InitOptions = {}): Tensor {
  const shape = shapeOf('uniform', target);
  if (!(high >= low)) argError('uniform', 'high', `a number ≥ low (${low})`, describeValue(high));
  const values = noGrad(() => {
    const u = rand(shape, opts);
    const out = u.mul(high - low).add(low);
    u.dispose();
    return out;
  });
  return deliver(target, values);
}

/** Normal values with the given mean and standard deviation. */
export function normal(target: Target, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  const shape = shapeOf('normal', target);
  if (!(std >= 0)) argError('normal', 'std', 'a number ≥ 0', describeValue(std));
  const values = noGrad(() => {
    const z = randn(shape, opts);
    const out = z.mul(std).add(mean);
    z.dispose();
    return out;
  });
  return deliver(target, values);
}

export function constant(target: Target, value: number): Tensor {
  return deliver(target, full(shapeOf('constant', target), value));
}

export function zeros(target: Target): Tensor {
  return constant(target, 0);
}

export function ones(target: Target): Tensor {
  return constant(target, 1);
}

export interface XavierOptions extends InitOptions {
  gain?: number;
}

/** Glorot uniform: U(−b, b) with b = gain·√(6 / (fan_in + fan_out)). */
export function xavierUniform(target: Target, opts: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(shapeOf('xavierUniform', target), 'xavierUniform');
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(target, -bound, bound, opts);
}

/** Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)). */
export function xavierNormal(target: Target, opts: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFans(shapeOf('xavierNormal', target), 'xavierNormal');
  return normal(target, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky_relu that follows (only used with nonlinearity 'leaky_relu'). Default 0. */
  a?: number;
  /** 'fan_in' (default) preserves the forward variance, 'fan_out' the backward one. */
  mode?: FanMode;
  /** Default 'leaky_relu', as torch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, shape: readonly number[], opts: KaimingOptions): number {
  const mode = opts.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out')
    argError(op, 'mode', "'fan_in' or 'fan_out'", describeValue(mode));
  const { fanIn, fanOut } = calculateFans(shape, op);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) argError(op, 'target', 'a shape with a non-zero fan', fmtShape(shape));
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(−b, b) with b = gain·√(3 / fan). torch's Linear and Conv use it with a = √5. */
export function kaimingUniform(target: Target, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shapeOf('kaimingUniform', target), opts);
  return uniform(target, -bound, bound, opts);
}

/** He normal: N(0, σ²) with σ = gain / √fan. */
export function kaimingNormal(target: Target, opts: KaimingOptions = {}): Tensor {
  return normal(target, 0, kaimingStd('kaimingNormal', shapeOf('kaimingNormal', target), opts), opts);
}
