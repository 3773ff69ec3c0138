import { bindings, elementwiseShader } from './common.js';

/**
 * Tiled batched GEMM. Each 16×16 workgroup computes a T×T output tile (T = 64: 4×4 outputs per
 * thread; T = 128: 8×8), staging T×16 slices of A and B in workgroup memory as vec4 rows, so a
 * thread fetches 4 rows of A or 4 columns of B for one k with one 16-byte read and accumulates with
 * vec4 FMAs. A thread's rows (and columns) are groups of 4 spaced 64 apart, so the 16 threads of a
 * row read 16 consecutive vec4s (no bank conflicts). T = 128 does twice the FMAs per value loaded
 * (64 per 4 reads instead of 16 per 2) and suits large products; T = 64 keeps more workgroups busy
 * on small ones. Transposed operands are read through the geometry (the tile loader picks the
 * coalesced order), so no transpose copy is made. A batch of 1 in either operand broadcasts.
 * Grid: x = n tiles, y = m tiles, z = batch entries from `zOffset`.
 * Params: [m, k, n, transA, transB, batchA, batchB, zOffset, yOffset].
 */
export const MM_TILES = [64, 128] as const;
export type MatmulTile = (typeof MM_TILES)[number];
const KT = 16;
const LANES = ['x', 'y', 'z', 'w'];

export function matmulShader(tile: MatmulTile = 64): string {
  const rows = tile / 16; // outputs per thread along m (and n)
  const groups = rows / 4; // vec4 groups per thread along m (and n), 64 apart
  const loads = (tile * KT) / 256; // elements of A (and of B) each thread stages per k slice
  const fetch = Array.from(
    { length: groups },
    (_, g) => `      let a${g} = As[kk][${g * 16}u + lid.y];\n      let b${g} = Bs[kk][${g * 16}u + lid.x];`,
  ).join('\n');
  const fmas: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let gc = 0; gc < groups; gc++) {
      const k = r * groups + gc;
      fmas.push(
        `      acc[${k}] = fma(vec4<f32>(a${Math.floor(r / 4)}.${LANES[r % 4]}), b${gc}, acc[${k}]);`,
      );
    }
  }
  // Stores unrolled like the FMAs, so acc is only ever indexed by constants (stays in registers).
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let gc = 0; gc < groups; gc++) {
      stores.push(`  {
    let gm = row0 + ${Math.floor(r / 4) * 64 + (r % 4)}u + lid.y * 4u;
    let gn = col0 + ${gc * 64}u + lid.x * 4u;
    if (gm < M) {
      for (var q = 0u; q < 4u; q++) {
        if (gn + q < N) { out[oBase + gm * N + gn + q] = acc[${r * groups + gc}][q]; }
      }
    }
  }`);
    }
  }
  return `${bindings(
    [
      { name: 'a', type: 'f32' },
      { name: 'b', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
  )}
var<workgroup> As: array<array<vec4<f32>, ${tile / 4}>, ${KT}>;
var<workgroup> Bs: array<array<vec4<f32>, ${tile / 4}>, ${KT}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(0u);
  let K = pu(1u);
  let N = pu(2u);
  let transA = pu(3u) == 1u;
  let transB = pu(4u) == 1u;
  let bz = wid.z + pu(7u);
  let aBase = select(bz, 0u, pu(5u) == 1u) * M * K;
  let bBase = select(bz, 0u, pu(6u) == 1u) * K * N;
  let row0 = (wid.y + pu(8u)) * ${tile}u;
  let col0 = wid.x * ${tile}u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<vec4<f32>, ${rows * groups}>;
  for (var k0 = 0u; k0 < K; k0 += ${KT}u) {
    for (var l = 0u; l < ${loads}u; l++) {
      let e = tid + l * 256u;
      // A is [M, K] (k fastest) or, transposed, [K, M] (m fastest): read along the fast axis.
      var mm = e / ${KT}u;
      var kk = e % ${KT}u;
      if (transA) { kk = e / ${tile}u; mm = e % ${tile}u; }
      let gm = row0 + mm;
      let gk = k0 + kk;
      var v = 0.0;
      if (gm < M && gk < K) { v = a[aBase + select(gm * K + gk, gk * M + gm, transA)]; }
      As[kk][mm / 4u][mm % 4u] = v;
      var nn = e % ${tile}u;
      var kb = e / ${tile}u;
      if (transB) { nn = e / ${KT}u; kb = e % ${KT}u; }
      let gn = col0 + nn;
      let gkb = k0 + kb;
      var w = 0.0;
      if (gn < N && gkb < K) { w = b[bBase + select(gkb * N + gn, gn * K + gkb, transB)]; }
      Bs[kb][nn / 4u][nn % 4u] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${KT}u; kk++) {
${fetch}
${fmas.join('\n')}
    }
    workgroupBarrier();
  }
  let oBase = bz * M * N;
${stores.join('\n')}
}
`;
}

/**
 * Batched GEMM with one thread per output element, for thin products (fewer than 32 rows or
 * columns): there a 64×64 tile would compute mostly padding, and software adapters (SwiftShader,
 * lavapipe) pay heavily for each workgroup barrier of the tiled kernel. k runs in ascending order
 * with fused multiply–adds, as in the tiled kernel, so both paths give the same values.
 * Params: [threads = batch·m·n, m, k, n, transA, transB, batchA, batchB].
 */
export function thinMatmulShader(): string {
  return elementwiseShader(
    [
      { name: 'a', type: 'f32' },
      { name: 'b', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
    '',
    `  let M = pu(1u);
  let K = pu(2u);
  let N = pu(3u);
  let transA = pu(4u) == 1u;
  let transB = pu(5u) == 1u;
  let col = i % N;
  let rest = i / N;
  let row = rest % M;
  let bz = rest / M;
  let aBase = select(bz, 0u, pu(6u) == 1u) * M * K;
  let bBase = select(bz, 0u, pu(7u) == 1u) * K * N;
  var acc = 0.0;
  for (var k = 0u; k < K; k++) {
    let av = a[aBase + select(row * K + k, k * M + row, transA)];
    let bv = b[bBase + select(k * N + col, col * K + k, transB)];
    acc = fma(av, bv, acc);
  }
  out[i] = acc;`,
  );
}
