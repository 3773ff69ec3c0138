import type { DType } from '../../../dtype.js';

/**
 * Shared WGSL pieces. Every shader binds its parameters as one 256-byte uniform buffer at binding 0
 * (64 u32 words, read through `pu`/`pi`/`pf`), its inputs as read-only storage buffers at bindings
 * 1..k and its output at binding k+1. Parameter 0 is always the number of threads that do work, so
 * the same 1-D/2-D dispatch helper serves every elementwise-style kernel.
 */

export const PARAM_WORDS = 64;
export const WORKGROUP = 256;

/** Storage type per dtype: bool lives as one u32 per element so every kernel indexes 4-byte words. */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

const PRELUDE = /* wgsl */ `
struct Params { v: array<vec4<u32>, ${PARAM_WORDS / 4}> }
@group(0) @binding(0) var<uniform> params: Params;
fn pu(i: u32) -> u32 { return params.v[i / 4u][i % 4u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
// NaN and infinity are tested on the bits: comparisons on NaN are what fast-math drivers break first.
fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isfinitef(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
// WGSL rejects NaN and ∞ as constants; a runtime zero (from the uniform) keeps these out of const-eval.
fn nanf() -> f32 { return bitcast<f32>(0x7fc00000u + min(pu(0u), 0u)); }
fn inff() -> f32 { return bitcast<f32>(0x7f800000u + min(pu(0u), 0u)); }
`;

export interface Binding {
  name: string;
  type: string;
}

/**
 * The prelude, the bindings (inputs read-only, then the output read-write; `atomic<u32>` outputs
 * for the scatter kernels) and a `main` whose flat thread index `i` is already bounds-checked.
 * `body` runs with `i: u32` in scope. A 2-D grid covers sizes beyond maxComputeWorkgroupsPerDimension.
 */
export function elementwiseShader(
  inputs: readonly Binding[],
  output: Binding,
  helpers: string,
  body: string,
): string {
  return `${bindings(inputs, output)}
${helpers}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (i >= pu(0u)) { return; }
${body}
}
`;
}

export function bindings(inputs: readonly Binding[], output: Binding): string {
  const ins = inputs
    .map((b, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${b.name}: array<${b.type}>;`)
    .join('\n');
  return `${PRELUDE}
${ins}
@group(0) @binding(${inputs.length + 1}) var<storage, read_write> ${output.name}: array<${output.type}>;`;
}

/**
 * WGSL that converts `v` (of type `from`) to the storage type `to` the way assigning a JS number to
 * the CPU backend's typed array does: float→int truncates (NaN → 0), anything→bool keeps 0/1.
 */
export function convertExpr(v: string, from: string, to: string): string {
  if (from === to) return v;
  if (to === 'f32') return `f32(${v})`;
  if (to === 'i32') return from === 'f32' ? `select(i32(${v}), 0i, isnanf(${v}))` : `i32(${v})`;
  // to u32 (bool): values reaching a bool output are already 0 or 1.
  return from === 'f32' ? `select(0u, 1u, ${v} != 0.0)` : `u32(${v})`;
}

/**
 * Offsets of `n` broadcast/strided operands of output element `i`. Params: [.., rank at `base`,
 * shape at base+1.., strides of operand k at base+1+MAX_RANK·(k+1)..]. Returns `var off{k}: i32`.
 */
export const MAX_RANK = 8;
export function stridedOffsets(n: number, base: number): string {
  const decl = Array.from({ length: n }, (_, k) => `  var off${k} = 0i;`).join('\n');
  const acc = Array.from(
    { length: n },
    (_, k) => `    off${k} += i32(c) * pi(${base + 1 + MAX_RANK * (k + 1)}u + du);`,
  ).join('\n');
  return `${decl}
  {
    var rem = i;
    for (var d = i32(pu(${base}u)) - 1; d >= 0; d--) {
      let du = u32(d);
      let s = pu(${base + 1}u + du);
      let c = rem % s;
      rem = rem / s;
${acc}
    }
  }`;
}
