import { elementwiseShader, stridedOffsets } from './common.js';

/** Params: [n, offset, rank, shape.., strides..]; strides may be negative (flip). */
export function copyStridedShader(t: string): string {
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: t },
    '',
    `${stridedOffsets(1, 2)}
  out[i] = x[u32(pi(1u) + off0)];`,
  );
}

/**
 * Params: [n, value bits, rank, outShape.., before.., inShape..]: out coordinates minus `before`
 * that fall inside the input copy it, the rest take the value (negative `before` crops).
 */
export function padShader(t: string): string {
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: t },
    '',
    `  var rem = i;
  var src = 0u;
  var mul = 1u;
  var inside = true;
  for (var d = i32(pu(2u)) - 1; d >= 0; d--) {
    let du = u32(d);
    let s = pu(3u + du);
    let c = i32(rem % s) - pi(11u + du);
    rem = rem / s;
    let xs = pu(19u + du);
    if (c < 0 || c >= i32(xs)) { inside = false; }
    src += u32(max(c, 0)) * mul;
    mul *= xs;
  }
  if (inside) { out[i] = x[src]; } else { out[i] = bitcast<${t}>(pu(1u)); }`,
  );
}

/** One dispatch per concatenated input. Params: [n = outer·row, row, rowOut, colOff]. */
export function concatShader(t: string): string {
  return elementwiseShader(
    [{ name: 'x', type: t }],
    { name: 'out', type: t },
    '',
    `  let row = pu(1u);
  let o = i / row;
  out[o * pu(2u) + pu(3u) + (i - o * row)] = x[i];`,
  );
}
