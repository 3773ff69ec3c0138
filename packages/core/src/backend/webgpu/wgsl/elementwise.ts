import type { BinaryOp, UnaryOp } from '../../kernels.js';
import { convertExpr, elementwiseShader, stridedOffsets } from './common.js';

/**
 * Elementwise shaders. The op is a uniform parameter (a switch), not baked into the source, so one
 * pipeline per dtype pair serves all 29 unary and 17 binary ops: on software Vulkan each pipeline
 * costs up to a second to compile. Float functions the WGSL builtins get wrong near 0 or ±∞
 * (log1p, expm1, sinh, tanh, erf, pow of negatives) are written out to match the CPU backend.
 */

export const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0,
  abs: 1,
  sign: 2,
  exp: 3,
  log: 4,
  log1p: 5,
  expm1: 6,
  sqrt: 7,
  rsqrt: 8,
  square: 9,
  reciprocal: 10,
  sin: 11,
  cos: 12,
  tan: 13,
  asin: 14,
  acos: 15,
  atan: 16,
  sinh: 17,
  cosh: 18,
  tanh: 19,
  sigmoid: 20,
  relu: 21,
  floor: 22,
  ceil: 23,
  round: 24,
  erf: 25,
  logicalNot: 26,
  isNaN: 27,
  isFinite: 28,
};

export const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  mod: 7,
  atan2: 8,
  equal: 9,
  notEqual: 10,
  less: 11,
  lessEqual: 12,
  greater: 13,
  greaterEqual: 14,
  logicalAnd: 15,
  logicalOr: 16,
};

const FLOAT_MATH = /* wgsl */ `
fn expm1f(x: f32) -> f32 {
  // Kahan's trick: (u - 1)·x / log(u) cancels the rounding error of exp.
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  if (!isfinitef(u)) { return u; }
  return um1 * x / log(u);
}
fn log1pf(x: f32) -> f32 {
  if (isnanf(x) || x < -1.0) { return nanf(); }
  if (x == -1.0) { return -inff(); }
  if (!isfinitef(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
fn logf(x: f32) -> f32 {
  if (isnanf(x) || x < 0.0) { return nanf(); }
  if (x == 0.0) { return -inff(); }
  if (!isfinitef(x)) { return x; }
  return log(x);
}
fn erff(x: f32) -> f32 {
  let z = abs(x);
  if (z < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0))))));
  }
  if (isnanf(x)) { return x; }
  // Numerical Recipes' erfc (fractional error < 1.2e-7).
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn sinhf(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let x2 = x * x;
    return x * (1.0 + x2 * (1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (1.0 / 5040.0))));
  }
  return sinh(x);
}
fn tanhf(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  if (abs(x) > 10.0) { return sign(x); }
  let t = expm1f(2.0 * abs(x));
  let r = t / (t + 2.0);
  return select(r, -r, x < 0.0);
}
fn powf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  if (a == 1.0) { return 1.0; }
  let ab = abs(a);
  var r: f32;
  if (ab == 0.0) {
    r = select(0.0, inff(), b < 0.0);
  } else if (!isfinitef(b)) {
    r = select(select(0.0, inff(), ab > 1.0), select(inff(), 0.0, ab > 1.0), b < 0.0);
    if (ab == 1.0) { r = 1.0; }
    return r;
  } else {
    r = exp2(b * log2(ab));
  }
  if (a < 0.0 || (a == 0.0 && bitcast<u32>(a) != 0u)) {
    if (floor(b) != b) { return select(nanf(), r, a == 0.0); }
    let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
    if (odd) { return -r; }
  }
  return r;
}
fn unaryf(x: f32, op: u32) -> f32 {
  switch op {
    case 0u: { return -x; }
    case 1u: { return abs(x); }
    case 2u: { if (isnanf(x)) { return x; } return select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0); }
    case 3u: { return exp(x); }
    case 4u: { return logf(x); }
    case 5u: { return log1pf(x); }
    case 6u: { return expm1f(x); }
    case 7u: { if (x < 0.0) { return nanf(); } return sqrt(x); }
    case 8u: { if (x < 0.0) { return nanf(); } return 1.0 / sqrt(x); }
    case 9u: { return x * x; }
    case 10u: { return 1.0 / x; }
    case 11u: { return sin(x); }
    case 12u: { return cos(x); }
    case 13u: { return tan(x); }
    // The asin/acos builtins are off by ~1e-4 near ±1 on some drivers; atan2 is not.
    case 14u: { if (abs(x) > 1.0) { return nanf(); } return atan2(x, sqrt((1.0 - x) * (1.0 + x))); }
    case 15u: { if (abs(x) > 1.0) { return nanf(); } return atan2(sqrt((1.0 - x) * (1.0 + x)), x); }
    case 16u: { return atan(x); }
    case 17u: { return sinhf(x); }
    case 18u: { return cosh(x); }
    case 19u: { return tanhf(x); }
    case 20u: {
      if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
      let e = exp(x);
      return e / (1.0 + e);
    }
    case 21u: { if (isnanf(x)) { return x; } return max(x, 0.0); }
    case 22u: { return floor(x); }
    case 23u: { return ceil(x); }
    case 24u: { return round(x); }
    case 25u: { return erff(x); }
    case 26u: { return select(0.0, 1.0, x == 0.0); }
    case 27u: { return select(0.0, 1.0, isnanf(x)); }
    case 28u: { return select(0.0, 1.0, isfinitef(x)); }
    default: { return x; }
  }
}
fn binaryf(a: f32, b: f32, op: u32) -> f32 {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a - b; }
    case 2u: { return a * b; }
    case 3u: { return a / b; }
    case 4u: { return powf(a, b); }
    case 5u: { if (isnanf(a) || isnanf(b)) { return nanf(); } return max(a, b); }
    case 6u: { if (isnanf(a) || isnanf(b)) { return nanf(); } return min(a, b); }
    case 7u: { return a - floor(a / b) * b; }
    case 8u: { return atan2(a, b); }
    case 9u: { return select(0.0, 1.0, a == b); }
    case 10u: { return select(1.0, 0.0, a == b); }
    case 11u: { return select(0.0, 1.0, a < b); }
    case 12u: { return select(0.0, 1.0, a <= b); }
    case 13u: { return select(0.0, 1.0, a > b); }
    case 14u: { return select(0.0, 1.0, a >= b); }
    case 15u: { return select(0.0, 1.0, a != 0.0 && b != 0.0); }
    case 16u: { return select(0.0, 1.0, a != 0.0 || b != 0.0); }
    default: { return a; }
  }
}
`;

const INT_MATH = /* wgsl */ `
fn unaryi(x: i32, op: u32) -> i32 {
  switch op {
    case 0u: { return -x; }
    case 1u: { return abs(x); }
    case 2u: { return sign(x); }
    case 9u: { return x * x; }
    case 21u: { return max(x, 0i); }
    case 26u: { return select(0i, 1i, x == 0i); }
    case 27u: { return 0i; }
    case 28u: { return 1i; }
    default: { return x; }
  }
}
fn binaryi(a: i32, b: i32, op: u32) -> i32 {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a - b; }
    case 2u: { return a * b; }
    case 5u: { return max(a, b); }
    case 6u: { return min(a, b); }
    case 7u: {
      // Python's modulo takes the divisor's sign; x mod 0 is NaN on the CPU, stored as 0.
      if (b == 0i) { return 0i; }
      let r = a % b;
      return select(r, r + b, r != 0i && ((r < 0i) != (b < 0i)));
    }
    case 9u: { return select(0i, 1i, a == b); }
    case 10u: { return select(0i, 1i, a != b); }
    case 11u: { return select(0i, 1i, a < b); }
    case 12u: { return select(0i, 1i, a <= b); }
    case 13u: { return select(0i, 1i, a > b); }
    case 14u: { return select(0i, 1i, a >= b); }
    case 15u: { return select(0i, 1i, a != 0i && b != 0i); }
    case 16u: { return select(0i, 1i, a != 0i || b != 0i); }
    default: { return a; }
  }
}
`;

/** Float inputs compute in f32; int32 and bool inputs in i32. */
const computeType = (t: string) => (t === 'f32' ? 'f32' : 'i32');

export function unaryShader(tin: string, tout: string): string {
  const c = computeType(tin);
  const fn = c === 'f32' ? 'unaryf' : 'unaryi';
  return elementwiseShader(
    [{ name: 'x', type: tin }],
    { name: 'out', type: tout },
    c === 'f32' ? FLOAT_MATH : INT_MATH,
    `  let v = ${fn}(${convertExpr('x[i]', tin, c)}, pu(1u));
  out[i] = ${convertExpr('v', c, tout)};`,
  );
}

/**
 * Params: [n, op, mode, ...]. mode 1: operands of the output's shape, read at `i`. mode 2: each
 * operand's non-broadcast axes form one contiguous block of the output (bias rows, per-channel
 * scales, scalars), so it is read at (i / p) % q with [pa, qa, pb, qb] at words 3–6: two integer
 * divisions instead of a loop over axes. mode 0: [.., rank, shape.., strides a.., strides b..]
 * from word 3, the general strided walk.
 */
export function binaryShader(tin: string, tout: string): string {
  const c = computeType(tin);
  const fn = c === 'f32' ? 'binaryf' : 'binaryi';
  return elementwiseShader(
    [
      { name: 'a', type: tin },
      { name: 'b', type: tin },
    ],
    { name: 'out', type: tout },
    c === 'f32' ? FLOAT_MATH : INT_MATH,
    `  var ia = i;
  var ib = i;
  let mode = pu(2u);
  if (mode == 2u) {
    ia = (i / pu(3u)) % pu(4u);
    ib = (i / pu(5u)) % pu(6u);
  } else if (mode == 0u) {
${stridedOffsets(2, 3)}
    ia = u32(off0);
    ib = u32(off1);
  }
  let v = ${fn}(${convertExpr('a[ia]', tin, c)}, ${convertExpr('b[ib]', tin, c)}, pu(1u));
  out[i] = ${convertExpr('v', c, tout)};`,
  );
}

/** `unaryf`/`binaryf` on four lanes, with the common cheap ops as whole-vector expressions. */
const VEC4_MATH = /* wgsl */ `
fn unary4(x: vec4<f32>, op: u32) -> vec4<f32> {
  switch op {
    case 0u: { return -x; }
    case 1u: { return abs(x); }
    case 3u: { return exp(x); }
    case 9u: { return x * x; }
    default: { return vec4<f32>(unaryf(x.x, op), unaryf(x.y, op), unaryf(x.z, op), unaryf(x.w, op)); }
  }
}
fn binary4(a: vec4<f32>, b: vec4<f32>, op: u32) -> vec4<f32> {
  switch op {
    case 0u: { return a + b; }
    case 1u: { return a - b; }
    case 2u: { return a * b; }
    case 3u: { return a / b; }
    default: { return vec4<f32>(binaryf(a.x, b.x, op), binaryf(a.y, b.y, op), binaryf(a.z, b.z, op), binaryf(a.w, b.w, op)); }
  }
}
`;

/**
 * float32 → float32 unary op on four elements per thread (vector loads and stores: fewer, wider
 * memory transactions, a quarter of the threads). Params: [n / 4, op]; n % 4 == 0.
 */
export function unary4Shader(): string {
  return elementwiseShader(
    [{ name: 'x', type: 'vec4<f32>' }],
    { name: 'out', type: 'vec4<f32>' },
    FLOAT_MATH + VEC4_MATH,
    '  out[i] = unary4(x[i], pu(1u));',
  );
}

/**
 * float32 → float32 binary op on four elements per thread, for operands that are whole (q = n) or
 * repeat along the last axes with a period divisible by 4 (bias rows): operand k is read at
 * i % (qₖ / 4). Params: [n / 4, op, qa / 4, qb / 4].
 */
export function binary4Shader(): string {
  return elementwiseShader(
    [
      { name: 'a', type: 'vec4<f32>' },
      { name: 'b', type: 'vec4<f32>' },
    ],
    { name: 'out', type: 'vec4<f32>' },
    FLOAT_MATH + VEC4_MATH,
    // Whole operands (period = thread count) skip the modulo: an integer division per element is
    // what a software rasteriser and many GPUs pay most for in this kernel.
    `  var ia = i;
  var ib = i;
  if (pu(2u) != pu(0u)) { ia = i % pu(2u); }
  if (pu(3u) != pu(0u)) { ib = i % pu(3u); }
  out[i] = binary4(a[ia], b[ib], pu(1u));`,
  );
}

/**
 * Params: [n, rank, shape.., strides cond.., strides a.., strides b..]; with word 34 = 1 every
 * operand is periodic (see binaryShader) and is read at (i / p) % q, [p, q] for cond, a, b at 35–40.
 */
export function whereShader(t: string): string {
  return elementwiseShader(
    [
      { name: 'cond', type: 'u32' },
      { name: 'a', type: t },
      { name: 'b', type: t },
    ],
    { name: 'out', type: t },
    '',
    `  var ic: u32;
  var ia: u32;
  var ib: u32;
  if (pu(34u) == 1u) {
    ic = (i / pu(35u)) % pu(36u);
    ia = (i / pu(37u)) % pu(38u);
    ib = (i / pu(39u)) % pu(40u);
  } else {
${stridedOffsets(3, 1)}
    ic = u32(off0);
    ia = u32(off1);
    ib = u32(off2);
  }
  out[i] = select(b[ib], a[ia], cond[ic] != 0u);`,
  );
}

/**
 * float→int truncates toward zero and maps NaN to 0 like the CPU; values beyond the i32 range
 * saturate here (WGSL's conversion) where the CPU's Int32Array wraps them modulo 2^32.
 */
export function castShader(tin: string, tout: string): string {
  let expr: string;
  if (tout === 'u32') expr = tin === 'f32' ? 'select(1u, 0u, x[i] == 0.0)' : 'select(1u, 0u, x[i] == 0)';
  else if (tout === 'i32' && tin === 'f32') expr = convertExpr('trunc(x[i])', 'f32', 'i32');
  else expr = `${tout}(x[i])`;
  return elementwiseShader(
    [{ name: 'x', type: tin }],
    { name: 'out', type: tout },
    '',
    `  out[i] = ${expr};`,
  );
}

/** Params: [n, value bits]. The value is converted on the host, exactly as a typed array stores it. */
export function fillShader(t: string): string {
  return elementwiseShader([], { name: 'out', type: t }, '', `  out[i] = bitcast<${t}>(pu(1u));`);
}

/**
 * Params: [n, integral, start, step] with start/step as i32 when integral, else as f32 pairs
 * (hi, lo) so a start or step that is not an f32 keeps most of its double precision.
 */
export function arangeShader(t: string): string {
  const body =
    t === 'f32'
      ? `  let fi = f32(i);
  out[i] = (pf(2u) + fi * pf(4u)) + (pf(3u) + fi * pf(5u));`
      : `  var v: i32;
  if (pu(1u) == 1u) { v = pi(2u) + i32(i) * pi(4u); }
  else { v = i32(trunc((pf(2u) + f32(i) * pf(4u)) + (pf(3u) + f32(i) * pf(5u)))); }
  out[i] = ${t === 'i32' ? 'v' : 'u32(v) & 255u'};`;
  return elementwiseShader([], { name: 'out', type: t }, '', body);
}
