import { elementwiseShader } from './common.js';

/**
 * Threefry-2x32, 20 rounds, exactly as src/random.ts: output i of (key, stream) is threefry(key,
 * counter = (i, stream)), so GPU and CPU draw identical bits. Uniforms are exact; normals use the
 * same Box–Muller formula in f32 (the CPU evaluates it in f64), so they agree to ~1e-6.
 * Params: [n, key0, key1, stream, normal].
 */
const THREEFRY = /* wgsl */ `
fn rotl(x: u32, r: u32) -> u32 { return (x << r) | (x >> (32u - r)); }
fn threefry(k0: u32, k1: u32, c0: u32, c1: u32) -> vec2<u32> {
  let ks = array<u32, 3>(k0, k1, 0x1bd11bdau ^ k0 ^ k1);
  let rot = array<u32, 8>(13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u);
  var x0 = c0 + ks[0];
  var x1 = c1 + ks[1];
  for (var r = 0u; r < 20u; r++) {
    x0 = x0 + x1;
    x1 = rotl(x1, rot[r % 8u]);
    x1 = x1 ^ x0;
    if (r % 4u == 3u) {
      let j = (r + 1u) / 4u;
      x0 = x0 + ks[j % 3u];
      x1 = x1 + ks[(j + 1u) % 3u] + j;
    }
  }
  return vec2<u32>(x0, x1);
}`;

export function randomShader(): string {
  return elementwiseShader(
    [],
    { name: 'out', type: 'f32' },
    THREEFRY,
    `  let bits = threefry(pu(1u), pu(2u), i, pu(3u));
  if (pu(4u) == 0u) {
    out[i] = f32(bits.x >> 8u) * 5.9604644775390625e-8;
  } else {
    let u1 = f32((bits.x >> 8u) + 1u) * 5.9604644775390625e-8;
    let u2 = f32(bits.y >> 8u) * 5.9604644775390625e-8;
    out[i] = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  }`,
  );
}
