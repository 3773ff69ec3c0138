import { elementwiseShader } from './common.js';

/**
 * The message-passing kernels. An index out of range cannot raise an error from a shader, so
 * (unlike the CPU backend, which throws) the gathers read 0 and the scatters skip the element.
 *
 * Scatter-add is one thread per source element adding into the output with atomics: i32 outputs
 * use atomicAdd; f32 outputs use a compare-and-swap loop on the u32 bits (WGSL has no float
 * atomics). Float summation order is therefore nondeterministic: results can differ from the CPU
 * and from run to run in the last bits. The output is zeroed with clearBuffer first.
 */

/**
 * WGSL shared by gather and scatter-add (params [n, rank, indexShape.., strides.., axis, axisSize]):
 * `off`, the offset in the strided tensor of element i of the index-shaped one with its axis
 * coordinate replaced by k = index[i]; `outOfRange` runs first when k is not in [0, axisSize).
 */
function axisOffset(outOfRange: string): string {
  return `  let axis = pu(18u);
  let k = index[i];
  if (k < 0 || u32(k) >= pu(19u)) { ${outOfRange} }
  var rem = i;
  var off = 0u;
  for (var d = i32(pu(1u)) - 1; d >= 0; d--) {
    let du = u32(d);
    let s = pu(2u + du);
    var c = rem % s;
    rem = rem / s;
    if (du == axis) { c = u32(k); }
    off += c * pu(10u + du);
  }`;
}

/** Params: [n = outer·e·inner, e, inner, r]. */
export function indexSelectShader(t: string): string {
  return elementwiseShader(
    [
      { name: 'x', type: t },
      { name: 'index', type: 'i32' },
    ],
    { name: 'out', type: t },
    '',
    `  let e = pu(1u); let inner = pu(2u); let r = pu(3u);
  let col = i % inner;
  let j = (i / inner) % e;
  let o = i / (inner * e);
  let k = index[j];
  if (k < 0 || u32(k) >= r) { out[i] = ${t}(0); return; }
  out[i] = x[(o * r + u32(k)) * inner + col];`,
  );
}

/** Params: [n, rank, indexShape.., xStrides.., axis, axisSize] (rank ≤ 8: shape at 2, strides at 10). */
export function gatherShader(t: string): string {
  return elementwiseShader(
    [
      { name: 'x', type: t },
      { name: 'index', type: 'i32' },
    ],
    { name: 'out', type: t },
    '',
    `${axisOffset(`out[i] = ${t}(0); return;`)}
  out[i] = x[off];`,
  );
}

function atomicAdd(t: string): string {
  if (t === 'i32') return 'fn addAt(p: u32, v: i32) { atomicAdd(&out[p], v); }';
  if (t === 'u32') return 'fn addAt(p: u32, v: u32) { atomicAdd(&out[p], v); }';
  return `fn addAt(p: u32, v: f32) {
  var old = atomicLoad(&out[p]);
  loop {
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}`;
}

const atomicType = (t: string) => (t === 'i32' ? 'atomic<i32>' : 'atomic<u32>');

/** Params: [n = outer·e·inner, e, inner, dimSize]. */
export function indexAddShader(t: string): string {
  return elementwiseShader(
    [
      { name: 'src', type: t },
      { name: 'index', type: 'i32' },
    ],
    { name: 'out', type: atomicType(t) },
    atomicAdd(t),
    `  let e = pu(1u); let inner = pu(2u); let dim = pu(3u);
  let col = i % inner;
  let j = (i / inner) % e;
  let o = i / (inner * e);
  let k = index[j];
  if (k < 0 || u32(k) >= dim) { return; }
  addAt((o * dim + u32(k)) * inner + col, src[i]);`,
  );
}

/** Params: [n, rank, indexShape.., outStrides.., axis, axisSize]. */
export function scatterAddShader(t: string): string {
  return elementwiseShader(
    [
      { name: 'src', type: t },
      { name: 'index', type: 'i32' },
    ],
    { name: 'out', type: atomicType(t) },
    atomicAdd(t),
    `${axisOffset('return;')}
  addAt(off, src[i]);`,
  );
}
