/**
 * Kernel sources for the gpujs backend, as JavaScript strings that gpu.js transpiles to GLSL (webgl,
 * webgl2), WGSL (webgpu), WebAssembly or plain JavaScript (cpu). Strings, not functions, so that no
 * bundler or minifier ever rewrites what gpu.js parses.
 *
 * Every tensor is a flat float array (int32 and bool as exact small integers), every kernel has a 1-D
 * output `[n]`, and shapes and strides arrive as float scalar arguments, so one compiled kernel
 * serves every shape of a given rank. Integer index arithmetic is done in floats: exact below 2^24,
 * and `idiv` corrects the ±1 error of a float division (GPUs divide to within a few ulp, so
 * `floor(9 / 3)` can be 2).
 */
import type { BinaryOp, UnaryOp } from '../kernels.js';

/** Helper functions added to every gpu.js instance. They return numbers: GLSL helpers cannot return bool. */
export const HELPERS: readonly string[] = [
  `function idiv(a, b) {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) { q = q - 1; }
  if (r >= b) { q = q + 1; }
  return q;
}`,
  // NaN compares false with everything; `x != x` is folded away by some shader compilers.
  `function isnanf(x) {
  if (x < 0 || x >= 0) { return 0; }
  return 1;
}`,
  `function isinff(x) {
  if (x != 0 && x * 0.5 == x) { return 1; }
  return 0;
}`,
  // Series near 0, where exp(x) - 1 and log(1 + x) cancel; elsewhere the direct formula.
  `function expm1f(x) {
  if (Math.abs(x) < 0.1) {
    return x * (1 + x * (0.5 + x * (0.16666666666666666 + x * (0.041666666666666664 + x * (0.008333333333333333 + x * 0.001388888888888889)))));
  }
  return Math.exp(x) - 1;
}`,
  `function log1pf(x) {
  if (Math.abs(x) < 0.05) {
    return x * (1 + x * (-0.5 + x * (0.3333333333333333 + x * (-0.25 + x * (0.2 + x * (-0.16666666666666666 + x * 0.14285714285714285))))));
  }
  return Math.log(1 + x);
}`,
  // Cephes' sinf/cosf: octant reduction in three parts, then a minimax polynomial (about 1 ulp for
  // |x| < 8192). SwiftShader's builtin sin errs by 2e-5. isCos shifts the quadrant (cos x = sin(x + π/2)).
  `function trigf(x, isCos) {
  const a = Math.abs(x);
  let j = Math.floor(a * 1.2732395447351628);
  if (j - 2 * Math.floor(j * 0.5) > 0.5) { j = j + 1; }
  const z = a - j * 0.78515625 - j * 0.00024187564849853516 - j * 3.774894977445941e-8;
  let q = j * 0.5 + isCos;
  q = q - 4 * Math.floor(q * 0.25);
  const zz = z * z;
  let r = 0;
  if (q == 1 || q == 3) { r = ((0.000024433157118099484 * zz - 0.001388731625493765) * zz + 0.041666645682988274) * zz * zz - 0.5 * zz + 1; }
  else { r = ((-0.00019515295891 * zz + 0.0083321608736) * zz - 0.16666654611) * zz * z + z; }
  if (q >= 2) { r = -r; }
  if (isCos < 0.5 && x < 0) { r = -r; }
  return r;
}`,
  // Cephes' atanf (about 1 ulp): the builtin atan/asin of some drivers (Mesa's lavapipe) err by 2e-4.
  `function atanf(x) {
  const a = Math.abs(x);
  let base = 0;
  let t = a;
  if (a > 2.414213562373095) { base = 1.5707963267948966; t = -1 / a; }
  else if (a > 0.41421356237309503) { base = 0.7853981633974483; t = (a - 1) / (a + 1); }
  const z = t * t;
  const r = base + ((((0.0805374449538 * z - 0.138776856032) * z + 0.199777106478) * z - 0.333329491539) * z * t + t);
  if (x < 0) { return -r; }
  return r;
}`,
  `function atan2f(y, x) {
  if (isnanf(x) + isnanf(y) > 0.5) { return x + y; }
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  let r = 0;
  if (ay <= ax) { if (ax > 0) { r = atanf(ay / ax); } }
  else { r = 1.5707963267948966 - atanf(ax / ay); }
  if (x < 0) { r = 3.141592653589793 - r; }
  if (y < 0) { return -r; }
  return r;
}`,
  // Taylor series below 0.5, Numerical Recipes' erfc Chebyshev fit (fractional error < 1.2e-7) above.
  `function erff(x) {
  const z = Math.abs(x);
  if (z < 0.5) {
    const x2 = x * x;
    return 1.1283791670955126 * x * (1 + x2 * (-0.3333333333333333 + x2 * (0.1 + x2 * (-0.023809523809523808 + x2 * (0.004629629629629629 + x2 * (-0.0007575757575757576 + x2 * 0.00010683760683760684))))));
  }
  const t = 1 / (1 + 0.5 * z);
  const p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = 1 - t * Math.exp(p);
  if (x < 0) { return -r; }
  return r;
}`,
];

/** Body computing the unary op from `x` (a float; int32 and bool hold exact integers). */
const UNARY_BODY: Record<UnaryOp, string> = {
  neg: 'return -x;',
  abs: 'return Math.abs(x);',
  // x * 0 keeps NaN (and the sign of zero); comparisons with NaN are false.
  sign: 'if (x > 0) { return 1; } if (x < 0) { return -1; } return x * 0;',
  exp: 'return Math.exp(x);',
  log: 'return Math.log(x);',
  log1p: 'return log1pf(x);',
  expm1: 'return expm1f(x);',
  sqrt: 'return Math.sqrt(x);',
  rsqrt: 'return 1 / Math.sqrt(x);',
  square: 'return x * x;',
  reciprocal: 'return 1 / x;',
  sin: 'return trigf(x, 0);',
  cos: 'return trigf(x, 1);',
  tan: 'return trigf(x, 0) / trigf(x, 1);',
  asin: 'if (Math.abs(x) > 1) { return Math.sqrt(-1 - Math.abs(x)); } return atan2f(x, Math.sqrt((1 - x) * (1 + x)));',
  acos: 'if (Math.abs(x) > 1) { return Math.sqrt(-1 - Math.abs(x)); } return 2 * atan2f(Math.sqrt(1 - x), Math.sqrt(1 + x));',
  atan: 'if (isnanf(x) > 0.5) { return x; } return atanf(x);',
  sinh: `if (Math.abs(x) < 0.1) { const x2 = x * x; return x * (1 + x2 * (0.16666666666666666 + x2 * (0.008333333333333333 + x2 * 0.0001984126984126984))); }
  const e = Math.exp(Math.abs(x) - 0.6931471805599453);
  const s = e - 0.25 / e;
  if (x < 0) { return -s; }
  return s;`,
  cosh: 'const e = Math.exp(Math.abs(x) - 0.6931471805599453); return e + 0.25 / e;',
  tanh: `const a = Math.abs(x);
  let t = 0;
  if (a < 0.1) { const x2 = a * a; t = a * (1 + x2 * (-0.3333333333333333 + x2 * (0.13333333333333333 - x2 * 0.05396825396825397))); }
  else { const e = Math.exp(-2 * a); t = (1 - e) / (1 + e); }
  if (x < 0) { return -t; }
  return t;`,
  sigmoid: 'if (x >= 0) { return 1 / (1 + Math.exp(-x)); } const e = Math.exp(x); return e / (1 + e);',
  // NaN passes through, as on the CPU.
  relu: 'if (x < 0) { return 0; } return x;',
  floor: 'return Math.floor(x);',
  ceil: 'return Math.ceil(x);',
  // Half to even; NaN and ±∞ fall through to `f`.
  round: `const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) { return f + 1; }
  if (d < 0.5) { return f; }
  if (f - 2 * Math.floor(f * 0.5) > 0.5) { return f + 1; }
  return f;`,
  erf: 'return erff(x);',
  logicalNot: 'if (x == 0) { return 1; } return 0;',
  isNaN: 'return isnanf(x);',
  isFinite: 'if (isnanf(x) + isinff(x) > 0.5) { return 0; } return 1;',
};

/** Body computing the binary op from `a` and `b`. */
const BINARY_BODY: Record<BinaryOp, string> = {
  add: 'return a + b;',
  sub: 'return a - b;',
  mul: 'return a * b;',
  div: 'return a / b;',
  // GLSL pow(a, b) is exp2(b·log2 a): undefined for a ≤ 0, so signs and zeros are handled here.
  pow: `if (b == 0) { return 1; }
  if (isnanf(a) + isnanf(b) > 0.5) { return a + b; }
  if (a == 0) { if (b > 0) { return 0; } return 1 / Math.abs(a); }
  const m = Math.pow(Math.abs(a), b);
  if (a > 0) { return m; }
  const fb = Math.floor(b);
  if (fb != b) { return Math.sqrt(-1 - m); }
  if (fb - 2 * Math.floor(fb * 0.5) > 0.5) { return -m; }
  return m;`,
  maximum: 'if (isnanf(a) + isnanf(b) > 0.5) { return a + b; } return Math.max(a, b);',
  minimum: 'if (isnanf(a) + isnanf(b) > 0.5) { return a + b; } return Math.min(a, b);',
  // Python's modulo (the divisor's sign), corrected for the float division's last-bit error.
  mod: `let r = a - Math.floor(a / b) * b;
  if (b > 0) { if (r >= b) { r = r - b; } if (r < 0) { r = r + b; } }
  if (b < 0) { if (r <= b) { r = r - b; } if (r > 0) { r = r + b; } }
  return r;`,
  atan2: 'return atan2f(a, b);',
  equal: 'if (a == b) { return 1; } return 0;',
  notEqual: 'if (a == b) { return 0; } return 1;',
  less: 'if (a < b) { return 1; } return 0;',
  lessEqual: 'if (a <= b) { return 1; } return 0;',
  greater: 'if (a > b) { return 1; } return 0;',
  greaterEqual: 'if (a >= b) { return 1; } return 0;',
  logicalAnd: 'if (a != 0 && b != 0) { return 1; } return 0;',
  logicalOr: 'if (a != 0 || b != 0) { return 1; } return 0;',
};

/**
 * Index code for a rank-`rank` output walked by `operands`: declares `c0..c{rank-1}` (coordinates
 * of flat `pos`) and accumulates `off_<op> += c_d · <op>s<d>`. Scalar arguments it expects: `d1..`
 * (output dims except the first) and `<op>s0..` (strides) for each operand.
 */
function indexCode(rank: number, operands: readonly string[], pos = 'this.thread.x'): string {
  const lines = [`let rem = ${pos};`];
  for (const op of operands) lines.push(`let off_${op} = 0;`);
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(`const q${d} = idiv(rem, d${d});`, `const c${d} = rem - q${d} * d${d};`, `rem = q${d};`);
  }
  lines.push('const c0 = rem;');
  for (const op of operands)
    for (let d = 0; d < rank; d++) lines.push(`off_${op} = off_${op} + c${d} * ${op}s${d};`);
  return lines.join('\n  ');
}

function indexArgs(rank: number, operands: readonly string[]): string[] {
  const args: string[] = [];
  for (let d = 1; d < rank; d++) args.push(`d${d}`);
  for (const op of operands) for (let d = 0; d < rank; d++) args.push(`${op}s${d}`);
  return args;
}

const fn = (args: readonly string[], body: string) => `function (${args.join(', ')}) {\n  ${body}\n}`;

/** out = a copy of x: uploads, clones and same-dtype casts. */
export const copySource = fn(['x'], 'return x[this.thread.x];');

export const fillSource = fn(['v'], 'return v;');

export const arangeSource = fn(['start', 'step'], 'return start + this.thread.x * step;');

/** out[i] = x[offset + Σ c_d · xs_d] over a rank-`rank` output (args: x, d1.., xs0.., offset). */
export function copyStridedSource(rank: number): string {
  return fn(
    ['x', ...indexArgs(rank, ['x']), 'offset'],
    `${indexCode(rank, ['x'])}\n  return x[off_x + offset];`,
  );
}

/** Cast to int32 truncates (NaN and ±∞ become 0, as a typed array stores them); to bool is ≠ 0. */
export function castSource(to: 'int32' | 'bool'): string {
  const body =
    to === 'bool'
      ? 'const v = x[this.thread.x]; if (v != 0 || isnanf(v) > 0.5) { return 1; } return 0;'
      : `const v = x[this.thread.x];
  if (isnanf(v) + isinff(v) > 0.5) { return 0; }
  if (v < 0) { return Math.ceil(v); }
  return Math.floor(v);`;
  return fn(['x'], body);
}

/**
 * Constant padding over a rank-`rank` output: input coordinate i_d = c_d − b_d; outside [0, n_d) the
 * output is `value` (args: x, d1.. output dims, xs0.. input strides, b0.. pads before, n0.. input dims, value).
 */
export function padSource(rank: number): string {
  const args = ['x', ...indexArgs(rank, ['x'])];
  for (let d = 0; d < rank; d++) args.push(`b${d}`);
  for (let d = 0; d < rank; d++) args.push(`n${d}`);
  args.push('value');
  const checks: string[] = [];
  let off = '0';
  for (let d = 0; d < rank; d++) {
    checks.push(`const i${d} = c${d} - b${d};`, `if (i${d} < 0 || i${d} >= n${d}) { return value; }`);
    off += ` + i${d} * xs${d}`;
  }
  return fn(args, `${indexCode(rank, [])}\n  ${checks.join('\n  ')}\n  return x[${off}];`);
}

/**
 * Concatenation of `count` inputs along an axis, viewed as [outer, axisOut·inner]: an input k holds
 * columns [start_k, start_k + w_k) of each row (args: x0.., rowOut, w0.., start0..).
 */
export function concatSource(count: number): string {
  const args: string[] = [];
  for (let k = 0; k < count; k++) args.push(`x${k}`);
  args.push('rowOut');
  for (let k = 0; k < count; k++) args.push(`w${k}`);
  for (let k = 0; k < count; k++) args.push(`s${k}`);
  const lines = ['const row = idiv(this.thread.x, rowOut);', 'const col = this.thread.x - row * rowOut;'];
  for (let k = 0; k < count - 1; k++)
    lines.push(`if (col < s${k} + w${k}) { return x${k}[row * w${k} + col - s${k}]; }`);
  const last = count - 1;
  lines.push(`return x${last}[row * w${last} + col - s${last}];`);
  return fn(args, lines.join('\n  '));
}

export function unarySource(op: UnaryOp): string {
  return fn(['xin'], `const x = xin[this.thread.x];\n  ${UNARY_BODY[op]}`);
}

/** Broadcasting binary op over a rank-`rank` output (args: ta, tb, d1.., as0.., bs0..). */
export function binarySource(op: BinaryOp, rank: number): string {
  return fn(
    ['ta', 'tb', ...indexArgs(rank, ['a', 'b'])],
    `${indexCode(rank, ['a', 'b'])}\n  const a = ta[off_a];\n  const b = tb[off_b];\n  ${BINARY_BODY[op]}`,
  );
}

/** Broadcasting select (args: tc, ta, tb, d1.., cs0.., as0.., bs0..). */
export function whereSource(rank: number): string {
  return fn(
    ['tc', 'ta', 'tb', ...indexArgs(rank, ['c', 'a', 'b'])],
    `${indexCode(rank, ['c', 'a', 'b'])}\n  if (tc[off_c] != 0) { return ta[off_a]; }\n  return tb[off_b];`,
  );
}

// Loops are written as `while`: gpu.js emits some `for` loops with a runtime bound verbatim, which
// GLSL ES 1.0 (WebGL1) rejects ("Loop index cannot be compared with non-constant expression").

/**
 * One pass of a reduction of x viewed as [outer, r, inner] to [outer, chunks, inner]: chunk j
 * combines rows [j·size, min(r, (j+1)·size)). NaN wins max and min, as on the CPU.
 */
export function reduceSource(op: 'sum' | 'prod' | 'max' | 'min'): string {
  const combine = {
    sum: 's = s + v;',
    prod: 's = s * v;',
    max: 'if (!(s > v) && isnanf(s) < 0.5) { s = v; }',
    min: 'if (!(s < v) && isnanf(s) < 0.5) { s = v; }',
  }[op];
  return fn(
    ['x', 'r', 'inner', 'chunks', 'size'],
    `const o = idiv(this.thread.x, chunks * inner);
  const rest = this.thread.x - o * chunks * inner;
  const j = idiv(rest, inner);
  const i = rest - j * inner;
  const first = j * size;
  const count = Math.min(size, r - first);
  const base = (o * r + first) * inner + i;
  let s = x[base];
  let k = 1;
  while (k < count) {
    const v = x[base + k * inner];
    ${combine}
    k = k + 1;
  }
  return s;`,
  );
}

/** Index of the first extreme along the middle axis of [outer, r, inner]; the first NaN wins. */
export function argReduceSource(op: 'argmax' | 'argmin'): string {
  const better = op === 'argmax' ? 'v > bv' : 'v < bv';
  return fn(
    ['x', 'r', 'inner'],
    `const o = idiv(this.thread.x, inner);
  const i = this.thread.x - o * inner;
  const base = o * r * inner + i;
  let best = 0;
  let bv = x[base];
  let done = isnanf(bv);
  let k = 1;
  while (k < r) {
    if (done < 0.5) {
      const v = x[base + k * inner];
      if (${better} || isnanf(v) > 0.5) { best = k; bv = v; done = isnanf(v); }
    }
    k = k + 1;
  }
  return best;`,
  );
}

export const logSumExpSource = fn(
  ['x', 'r', 'inner'],
  `const o = idiv(this.thread.x, inner);
  const i = this.thread.x - o * inner;
  const base = o * r * inner + i;
  let m = x[base];
  let k = 1;
  while (k < r) {
    const v = x[base + k * inner];
    if (!(m > v) && isnanf(m) < 0.5) { m = v; }
    k = k + 1;
  }
  if (isnanf(m) + isinff(m) > 0.5) { return m; }
  let s = 0;
  let k2 = 0;
  while (k2 < r) { s = s + Math.exp(x[base + k2 * inner] - m); k2 = k2 + 1; }
  return m + Math.log(s);`,
);

/**
 * One Hillis–Steele step of an inclusive scan along the middle axis of [outer, r, inner]:
 * y[k] = x[k] + x[k − shift] (reverse: x[k + shift]) where that exists.
 */
export const scanStepSource = fn(
  ['x', 'r', 'inner', 'shift', 'reverse'],
  `const o = idiv(this.thread.x, r * inner);
  const rest = this.thread.x - o * r * inner;
  const k = idiv(rest, inner);
  const v = x[this.thread.x];
  if (reverse > 0.5) {
    if (k + shift < r) { return v + x[this.thread.x + shift * inner]; }
    return v;
  }
  if (k >= shift) { return v + x[this.thread.x - shift * inner]; }
  return v;`,
);

/** Exclusive scan from an inclusive one: shift by one along the axis, 0 at the start. */
export const scanShiftSource = fn(
  ['x', 'r', 'inner', 'reverse'],
  `const o = idiv(this.thread.x, r * inner);
  const rest = this.thread.x - o * r * inner;
  const k = idiv(rest, inner);
  if (reverse > 0.5) {
    if (k + 1 < r) { return x[this.thread.x + inner]; }
    return 0;
  }
  if (k >= 1) { return x[this.thread.x - inner]; }
  return 0;`,
);

/**
 * Batched matmul out[b, i, j] = Σ_p A[b, i, p] · B[b, p, j], operands read through strides so
 * transposed and batch-broadcast operands are never copied.
 */
export const matmulSource = fn(
  ['ta', 'tb', 'm', 'n', 'k', 'ab', 'ai', 'ap', 'bb', 'bp', 'bj'],
  `const b = idiv(this.thread.x, m * n);
  const rest = this.thread.x - b * m * n;
  const i = idiv(rest, n);
  const j = rest - i * n;
  const a0 = b * ab + i * ai;
  const b0 = b * bb + j * bj;
  let s = 0;
  let p = 0;
  while (p < k) { s = s + ta[a0 + p * ap] * tb[b0 + p * bp]; p = p + 1; }
  return s;`,
);

const CONV_ARGS = ['C', 'H', 'W', 'O', 'KH', 'KW', 'sH', 'sW', 'pT', 'pL', 'dH', 'dW', 'G', 'OH', 'OW'];

/** Direct convolution: one thread per output element [n, o, oy, ox]. */
export const conv2dSource = fn(
  ['x', 'w', ...CONV_ARGS],
  `const ox = this.thread.x - idiv(this.thread.x, OW) * OW;
  const t1 = idiv(this.thread.x, OW);
  const oy = t1 - idiv(t1, OH) * OH;
  const t2 = idiv(t1, OH);
  const o = t2 - idiv(t2, O) * O;
  const n = idiv(t2, O);
  const cg = idiv(C, G);
  const og = idiv(O, G);
  const g = idiv(o, og);
  let s = 0;
  let c = 0;
  while (c < cg) {
    const xPlane = (n * C + g * cg + c) * H;
    const wPlane = (o * cg + c) * KH;
    let ky = 0;
    while (ky < KH) {
      const iy = oy * sH - pT + ky * dH;
      if (iy >= 0 && iy < H) {
        let kx = 0;
        while (kx < KW) {
          const ix = ox * sW - pL + kx * dW;
          if (ix >= 0 && ix < W) { s = s + x[(xPlane + iy) * W + ix] * w[(wPlane + ky) * KW + kx]; }
          kx = kx + 1;
        }
      }
      ky = ky + 1;
    }
    c = c + 1;
  }
  return s;`,
);

/** Gradient w.r.t. the input as a gather: input pixel (iy, ix) collects every output it fed. */
export const conv2dGradInputSource = fn(
  ['dy', 'w', ...CONV_ARGS],
  `const ix = this.thread.x - idiv(this.thread.x, W) * W;
  const t1 = idiv(this.thread.x, W);
  const iy = t1 - idiv(t1, H) * H;
  const t2 = idiv(t1, H);
  const c = t2 - idiv(t2, C) * C;
  const n = idiv(t2, C);
  const cg = idiv(C, G);
  const og = idiv(O, G);
  const g = idiv(c, cg);
  const cl = c - g * cg;
  let s = 0;
  let q = 0;
  while (q < og) {
    const o = g * og + q;
    let ky = 0;
    while (ky < KH) {
      const ty = iy + pT - ky * dH;
      const oy = idiv(ty, sH);
      if (ty >= 0 && oy * sH == ty && oy < OH) {
        let kx = 0;
        while (kx < KW) {
          const tx = ix + pL - kx * dW;
          const ox = idiv(tx, sW);
          if (tx >= 0 && ox * sW == tx && ox < OW) {
            s = s + dy[((n * O + o) * OH + oy) * OW + ox] * w[((o * cg + cl) * KH + ky) * KW + kx];
          }
          kx = kx + 1;
        }
      }
      ky = ky + 1;
    }
    q = q + 1;
  }
  return s;`,
);

/** Gradient w.r.t. the filter: one thread per weight [o, c, ky, kx], summing over batch and pixels. */
export const conv2dGradFilterSource = fn(
  ['x', 'dy', 'N', ...CONV_ARGS],
  `const kx = this.thread.x - idiv(this.thread.x, KW) * KW;
  const t1 = idiv(this.thread.x, KW);
  const ky = t1 - idiv(t1, KH) * KH;
  const t2 = idiv(t1, KH);
  const cg = idiv(C, G);
  const og = idiv(O, G);
  const cl = t2 - idiv(t2, cg) * cg;
  const o = idiv(t2, cg);
  const g = idiv(o, og);
  const c = g * cg + cl;
  let s = 0;
  let n = 0;
  while (n < N) {
    let oy = 0;
    while (oy < OH) {
      const iy = oy * sH - pT + ky * dH;
      if (iy >= 0 && iy < H) {
        let ox = 0;
        while (ox < OW) {
          const ix = ox * sW - pL + kx * dW;
          if (ix >= 0 && ix < W) {
            s = s + dy[((n * O + o) * OH + oy) * OW + ox] * x[((n * C + c) * H + iy) * W + ix];
          }
          ox = ox + 1;
        }
      }
      oy = oy + 1;
    }
    n = n + 1;
  }
  return s;`,
);

const POOL_ARGS = ['H', 'W', 'KH', 'KW', 'sH', 'sW', 'pT', 'pL', 'dH', 'dW', 'OH', 'OW', 'ninf'];

/**
 * Code declaring `<r>` = flat in-plane index of the maximum of window (oy, ox), or -1 when the window
 * lies wholly in the padding: the CPU's argmaxWindow (NaN wins and ends the scan, the first of equal
 * maxima wins). Inlined, with prefixed names, because a helper cannot take a texture on every backend.
 */
function poolArgmaxCode(r: string, oy: string, ox: string): string {
  return `let ${r} = -1;
  let ${r}v = 0;
  let ${r}d = 0;
  let ${r}ky = 0;
  while (${r}ky < KH) {
    const ${r}iy = ${oy} * sH - pT + ${r}ky * dH;
    if (${r}iy >= 0 && ${r}iy < H && ${r}d < 0.5) {
      let ${r}kx = 0;
      while (${r}kx < KW) {
        const ${r}ix = ${ox} * sW - pL + ${r}kx * dW;
        if (${r}ix >= 0 && ${r}ix < W && ${r}d < 0.5) {
          const ${r}x = x[plane + ${r}iy * W + ${r}ix];
          if (${r} < 0 || ${r}x > ${r}v || isnanf(${r}x) > 0.5) { ${r} = ${r}iy * W + ${r}ix; ${r}v = ${r}x; ${r}d = isnanf(${r}x); }
        }
        ${r}kx = ${r}kx + 1;
      }
    }
    ${r}ky = ${r}ky + 1;
  }`;
}

export const maxPoolSource = fn(
  ['x', ...POOL_ARGS],
  `const ox = this.thread.x - idiv(this.thread.x, OW) * OW;
  const t1 = idiv(this.thread.x, OW);
  const oy = t1 - idiv(t1, OH) * OH;
  const p = idiv(t1, OH);
  const plane = p * H * W;
  ${poolArgmaxCode('am', 'oy', 'ox')}
  if (am < 0) { return ninf; }
  return x[plane + am];`,
);

/**
 * Max-pool gradient as a gather: input pixel (iy, ix) sums dy over the windows whose argmax it is,
 * visiting them in row-major window order, the order in which the CPU scatters.
 */
export const maxPoolGradSource = fn(
  ['dy', 'x', ...POOL_ARGS],
  `const ix = this.thread.x - idiv(this.thread.x, W) * W;
  const t1 = idiv(this.thread.x, W);
  const iy = t1 - idiv(t1, H) * H;
  const p = idiv(t1, H);
  const plane = p * H * W;
  const me = iy * W + ix;
  let s = 0;
  let jy = 0;
  while (jy < KH) {
    const ky = KH - 1 - jy;
    const ty = iy + pT - ky * dH;
    const oy = idiv(ty, sH);
    if (ty >= 0 && oy * sH == ty && oy < OH) {
      let jx = 0;
      while (jx < KW) {
        const kx = KW - 1 - jx;
        const tx = ix + pL - kx * dW;
        const ox = idiv(tx, sW);
        if (tx >= 0 && ox * sW == tx && ox < OW) {
          ${poolArgmaxCode('am', 'oy', 'ox')}
          if (am == me) { s = s + dy[(p * OH + oy) * OW + ox]; }
        }
        jx = jx + 1;
      }
    }
    jy = jy + 1;
  }
  return s;`,
);

/** out[o, j, i] = x[o, index[j], i] for x viewed as [outer, r, inner]. */
export const indexSelectSource = fn(
  ['x', 'index', 'e', 'r', 'inner'],
  `const o = idiv(this.thread.x, e * inner);
  const rest = this.thread.x - o * e * inner;
  const j = idiv(rest, inner);
  const i = rest - j * inner;
  return x[(o * r + index[j]) * inner + i];`,
);

/** torch.gather: out[pos] = x[coords of pos with the axis coordinate replaced by index[pos]] (args: x, index, d1.., xs0.., axisStride). */
export function gatherSource(rank: number): string {
  return fn(
    ['x', 'index', ...indexArgs(rank, ['x']), 'axisStride'],
    `${indexCode(rank, ['x'])}\n  return x[off_x + index[this.thread.x] * axisStride];`,
  );
}

/**
 * Segmented sum, the atomics-free scatter-add: output bucket t of row o, column i sums
 * src[o, perm[p], i] for p in [starts[t], starts[t + 1]), in increasing p, where the host sorted
 * the positions by bucket (a CSR). indexAdd and scatterAdd both reduce to it.
 */
export const segmentSumSource = fn(
  ['src', 'perm', 'starts', 'buckets', 'e', 'inner'],
  `const o = idiv(this.thread.x, buckets * inner);
  const rest = this.thread.x - o * buckets * inner;
  const t = idiv(rest, inner);
  const i = rest - t * inner;
  const first = starts[t];
  const count = starts[t + 1] - first;
  let s = 0;
  let q = 0;
  while (q < count) { s = s + src[(o * e + perm[first + q]) * inner + i]; q = q + 1; }
  return s;`,
);
