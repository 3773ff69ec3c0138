import { bindings, convertExpr, elementwiseShader } from './common.js';

/**
 * Reductions over a [outer, r, inner] view, one thread per output element looping over r (the
 * axis kernels of the CPU backend, element for element). Float sums are compensated (Kahan) since
 * the CPU reference accumulates in f64 (the compensation is dropped once the sum is ±∞). Max/min follow the CPU's NaN rule: NaN wins.
 * Params: [n = outer·inner, r, inner, op (0 sum, 1 max, 2 min, 3 prod)].
 */
export const REDUCE_CODES = { sum: 0, max: 1, min: 2, prod: 3 } as const;

function nanTest(t: string, v: string): string {
  return t === 'f32' ? `isnanf(${v})` : 'false';
}

export function reduceShader(t: string): string {
  const ninf = t === 'f32' ? '-inff()' : t === 'i32' ? '-2147483647i - 1i' : '0u';
  const pinf = t === 'f32' ? 'inff()' : t === 'i32' ? '2147483647i' : '4294967295u';
  const zero = `${t}(0)`;
  const one = `${t}(1)`;
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: t },
    '',
    `  let r = pu(1u);
  let inner = pu(2u);
  let op = pu(3u);
  let o = i / inner;
  let base = o * r * inner + (i - o * inner);
  if (r == 0u) {
    // An empty max/min is ∓∞, which an integer typed array stores as 0.
    var e = ${zero};
    if (op == 3u) { e = ${one}; }
    ${t === 'f32' ? 'if (op == 1u) { e = -inff(); } if (op == 2u) { e = inff(); }' : ''}
    out[i] = e;
    return;
  }
  if (op == 0u) {
    var s = ${zero};
    ${t === 'f32' ? 'var comp = 0.0;' : ''}
    for (var k = 0u; k < r; k++) {
      ${
        t === 'f32'
          ? `let y = x[base + k * inner] - comp;
      let s2 = s + y;
      comp = select(0.0, (s2 - s) - y, isfinitef(s2));
      s = s2;`
          : 's += x[base + k * inner];'
      }
    }
    out[i] = s;
  } else if (op == 3u) {
    var p = ${one};
    for (var k = 0u; k < r; k++) { p *= x[base + k * inner]; }
    out[i] = p;
  } else if (op == 1u) {
    var m = ${ninf};
    for (var k = 0u; k < r; k++) {
      let v = x[base + k * inner];
      if (!(m > v || ${nanTest(t, 'm')})) { m = v; }
    }
    out[i] = m;
  } else {
    var m = ${pinf};
    for (var k = 0u; k < r; k++) {
      let v = x[base + k * inner];
      if (!(m < v || ${nanTest(t, 'm')})) { m = v; }
    }
    out[i] = m;
  }`,
  );
}

/** First extreme along the axis; a NaN wins and ends the scan. Params: [n, r, inner, isMin]. */
export function argReduceShader(t: string): string {
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: 'i32' },
    '',
    `  let r = pu(1u);
  let inner = pu(2u);
  let isMin = pu(3u) == 1u;
  let o = i / inner;
  let base = o * r * inner + (i - o * inner);
  var best = 0u;
  var bv = x[base];
  for (var k = 1u; k < r && !${nanTest(t, 'bv')}; k++) {
    let v = x[base + k * inner];
    let better = select(v > bv, v < bv, isMin);
    if (better || ${nanTest(t, 'v')}) {
      best = k;
      bv = v;
    }
  }
  out[i] = i32(best);`,
  );
}

/** Stable log Σ exp along the axis. Params: [n, r, inner]. */
export function logSumExpShader(): string {
  return elementwiseShader(
    [{ name: 'x', type: 'f32' }],
    { name: 'out', type: 'f32' },
    '',
    `  let r = pu(1u);
  let inner = pu(2u);
  let o = i / inner;
  let base = o * r * inner + (i - o * inner);
  var m = -inff();
  for (var k = 0u; k < r; k++) {
    let v = x[base + k * inner];
    if (!(m > v || isnanf(m))) { m = v; }
  }
  if (!isfinitef(m)) {
    out[i] = m;
    return;
  }
  var s = 0.0;
  var comp = 0.0;
  for (var k = 0u; k < r; k++) {
    let y = exp(x[base + k * inner] - m) - comp;
    let s2 = s + y;
    comp = select(0.0, (s2 - s) - y, isfinitef(s2));
    s = s2;
  }
  out[i] = m + log(s);`,
  );
}

/** Prefix sums along the axis, one thread per [outer, inner] line. Params: [n, r, inner, exclusive, reverse]. */
export function cumsumShader(t: string): string {
  const acc = t === 'u32' ? 'i32' : t;
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: t },
    '',
    `  let r = pu(1u);
  let inner = pu(2u);
  let exclusive = pu(3u) == 1u;
  let reverse = pu(4u) == 1u;
  let o = i / inner;
  let base = o * r * inner + (i - o * inner);
  var s = ${acc}(0);
  ${t === 'f32' ? 'var comp = 0.0;' : ''}
  for (var t = 0u; t < r; t++) {
    let k = select(t, r - 1u - t, reverse);
    let p = base + k * inner;
    let v = ${convertExpr('x[p]', t, acc)};
    if (exclusive) { out[p] = ${convertExpr('s', acc, t)}; }
    ${
      t === 'f32'
        ? `let y = v - comp;
    let s2 = s + y;
    comp = select(0.0, (s2 - s) - y, isfinitef(s2));
    s = s2;`
        : 's += v;'
    }
    if (!exclusive) { out[p] = ${convertExpr('s', acc, t)}; }
  }`,
  );
}

/**
 * The same reductions for long rows and few outputs (a loss summed over a whole tensor): one
 * 256-thread workgroup per output, each thread folding a strided share of the row, then a tree in
 * workgroup memory. Sums associate differently from the CPU's sequential f64 loop (within
 * rounding); max/min pick the same value in any order. Params: [outputs, r, inner, op].
 */
export function reduceRowsShader(t: string): string {
  const ninf = t === 'f32' ? '-inff()' : t === 'i32' ? '-2147483647i - 1i' : '0u';
  const pinf = t === 'f32' ? 'inff()' : t === 'i32' ? '2147483647i' : '4294967295u';
  return `${bindings([{ name: 'x', type: t }], { name: 'out', type: t })}
var<workgroup> part: array<${t}, 256>;
fn combine(a: ${t}, b: ${t}, op: u32) -> ${t} {
  switch op {
    case 0u: { return a + b; }
    case 3u: { return a * b; }
    case 1u: { if (a > b || ${nanTest(t, 'a')}) { return a; } return b; }
    default: { if (a < b || ${nanTest(t, 'a')}) { return a; } return b; }
  }
}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wid.x + wid.y * nwg.x;
  if (o >= pu(0u)) { return; }
  let r = pu(1u);
  let inner = pu(2u);
  let op = pu(3u);
  let base = (o / inner) * r * inner + (o % inner);
  var acc = ${t}(0);
  if (op == 3u) { acc = ${t}(1); }
  if (op == 1u) { acc = ${ninf}; }
  if (op == 2u) { acc = ${pinf}; }
  for (var k = lid.x; k < r; k += 256u) { acc = combine(acc, x[base + k * inner], op); }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { part[lid.x] = combine(part[lid.x], part[lid.x + s], op); }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[o] = part[0]; }
}
`;
}
