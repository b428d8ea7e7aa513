// Uniforms of the strided batched GEMM kernels (matmul_reg.wgsl, matmul_tiled.wgsl); the field
// order matches GEMM_UNIFORMS in src/ops/matmul.ts. Included with `#include "lib/gemm_params.wgsl"`.
struct Params {
  m: u32,
  n: u32,
  k: u32,
  alpha: f32,
  a_off: u32,
  b_off: u32,
  c_off: u32,
  batch_rank: u32,
  a_rs: u32,
  a_cs: u32,
  b_rs: u32,
  b_cs: u32,
  c_rs: u32,
  c_cs: u32,
  _pad0: u32,
  _pad1: u32,
  batch_shape: array<vec4<u32>, 2>,
  a_bs: array<vec4<u32>, 2>,
  b_bs: array<vec4<u32>, 2>,
  c_bs: array<vec4<u32>, 2>,
}

// Element offsets (A, B, C) of batch element z, z row-major over batch_shape.
fn gemm_batch_offsets(z: u32) -> vec3<u32> {
  var rem = z;
  var o = vec3<u32>(p.a_off, p.b_off, p.c_off);
  for (var d = i32(p.batch_rank) - 1; d >= 0; d = d - 1) {
    let s = p.batch_shape[d / 4][d % 4];
    let i = rem % s;
    rem = rem / s;
    o = o + i * vec3<u32>(p.a_bs[d / 4][d % 4], p.b_bs[d / 4][d % 4], p.c_bs[d / 4][d % 4]);
  }
  return o;
}
