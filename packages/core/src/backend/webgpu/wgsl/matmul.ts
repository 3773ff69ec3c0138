import { bindings } from './common.js';

/**
 * Tiled batched GEMM: each 16×16 workgroup computes a 64×64 output tile, 4×4 outputs per thread,
 * staging 64×16 slices of A and B in workgroup memory. Transposed operands are read through the
 * geometry (the tile loader picks the coalesced order), so no transpose copy is made. A batch of 1
 * in either operand broadcasts. Grid: x = n tiles, y = m tiles, z = batch entries from `zOffset`.
 * Params: [m, k, n, transA, transB, batchA, batchB, zOffset, yOffset].
 */
export const MM_TILE = 64;
const KT = 16;

export function matmulShader(): string {
  return `${bindings(
    [
      { name: 'a', type: 'f32' },
      { name: 'b', type: 'f32' },
    ],
    { name: 'out', type: 'f32' },
  )}
var<workgroup> As: array<array<f32, ${MM_TILE}>, ${KT}>;
var<workgroup> Bs: array<array<f32, ${MM_TILE}>, ${KT}>;

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
  let row0 = (wid.y + pu(8u)) * ${MM_TILE}u;
  let col0 = wid.x * ${MM_TILE}u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < K; k0 += ${KT}u) {
    for (var l = 0u; l < 4u; l++) {
      let e = tid + l * 256u;
      // A is [M, K] (k fastest) or, transposed, [K, M] (m fastest): read along the fast axis.
      var mm = e / ${KT}u;
      var kk = e % ${KT}u;
      if (transA) { kk = e / ${MM_TILE}u; mm = e % ${MM_TILE}u; }
      let gm = row0 + mm;
      let gk = k0 + kk;
      var v = 0.0;
      if (gm < M && gk < K) { v = a[aBase + select(gm * K + gk, gk * M + gm, transA)]; }
      As[kk][mm] = v;
      var nn = e % ${MM_TILE}u;
      var kb = e / ${MM_TILE}u;
      if (transB) { nn = e / ${KT}u; kb = e % ${KT}u; }
      let gn = col0 + nn;
      let gkb = k0 + kb;
      var w = 0.0;
      if (gn < N && gkb < K) { w = b[bBase + select(gkb * N + gn, gn * K + gkb, transB)]; }
      Bs[kb][nn] = w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${KT}u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var q = 0u; q < 4u; q++) {
        av[q] = As[kk][lid.y * 4u + q];
        bv[q] = Bs[kk][lid.x * 4u + q];
      }
      for (var p = 0u; p < 4u; p++) {
        for (var q = 0u; q < 4u; q++) { acc[p][q] = fma(av[p], bv[q], acc[p][q]); }
      }
    }
    workgroupBarrier();
  }
  let oBase = bz * M * N;
  for (var p = 0u; p < 4u; p++) {
    let gm = row0 + lid.y * 4u + p;
    if (gm >= M) { break; }
    for (var q = 0u; q < 4u; q++) {
      let gn = col0 + lid.x * 4u + q;
      if (gn < N) { out[oBase + gm * N + gn] = acc[p][q]; }
    }
  }
}
`;
}
