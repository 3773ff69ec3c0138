/**
 * IEEE half (F16) and bfloat16 (BF16) bit patterns → float32. Both widen exactly: every half and
 * every bfloat16 value is representable in float32, including subnormals, ±0, ±∞ and NaN.
 */

const SUBNORMAL_UNIT = 2 ** -24; // value of the lowest mantissa bit of a half subnormal

export function f16ToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) {
      // Zero or subnormal: float32 has room for it as a normal number, so compute it by value.
      out[i] = (sign ? -1 : 1) * mant * SUBNORMAL_UNIT;
    } else if (exp === 0x1f) {
      bits[i] = sign | 0x7f800000 | (mant << 13); // ±∞, or NaN keeping its payload
    } else {
      bits[i] = sign | ((exp + 112) << 23) | (mant << 13); // rebias 15 → 127
    }
  }
  return out;
}

/** bfloat16 is the top half of a float32, so widening is a shift. */
export function bf16ToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
  return out;
}
