// C = alpha * op(A) op(B), batched, shared-memory tiled with 4x4 register blocks inside: the
// variant for real GPUs. A 16x16 workgroup computes a 64x64 tile of C; each k step of TK
// stages a 64xTK slab of A and a TKx64 slab of B in workgroup memory (one vec4 of four rows
// or columns per invocation), then every invocation does 4x4 FMAs per k from two vec4 reads.
//
// Operands are addressed through element strides (batch, row, column), so transposed or
// permuted operands are read in place. A_KFAST / B_NFAST pick which index the 256 invocations
// walk fastest while staging, so that global reads stay coalesced for either memory order.
// Out-of-range elements are staged as zeros.
#include "lib/gemm_params.wgsl"

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const TK = 16u;
// sa[kk * 16 + q] holds rows 4q..4q+3 of the A slab at k = kk; sb likewise holds columns.
var<workgroup> sa: array<vec4<f32>, 256>;
var<workgroup> sb: array<vec4<f32>, 256>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let offs = gemm_batch_offsets(wid.z);
  let ao = offs.x;
  let bo = offs.y;
  let co = offs.z;

  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
#if ${A_KFAST}
  let a_kk = lid % 16u;
  let a_q = lid / 16u;
#else
  let a_q = lid % 16u;
  let a_kk = lid / 16u;
#endif
#if ${B_NFAST}
  let b_q = lid % 16u;
  let b_kk = lid / 16u;
#else
  let b_kk = lid % 16u;
  let b_q = lid / 16u;
#endif

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < p.k; k0 = k0 + TK) {
    let ka = k0 + a_kk;
    var va = vec4<f32>(0.0);
    for (var i = 0u; i < 4u; i = i + 1u) {
      let r = row0 + a_q * 4u + i;
      if (r < p.m && ka < p.k) {
        va[i] = a[ao + r * p.a_rs + ka * p.a_cs];
      }
    }
    sa[a_kk * 16u + a_q] = va;
    let kb = k0 + b_kk;
    var vb = vec4<f32>(0.0);
    for (var j = 0u; j < 4u; j = j + 1u) {
      let col = col0 + b_q * 4u + j;
      if (col < p.n && kb < p.k) {
        vb[j] = b[bo + kb * p.b_rs + col * p.b_cs];
      }
    }
    sb[b_kk * 16u + b_q] = vb;
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk = kk + 1u) {
      let av = sa[kk * 16u + lid3.y];
      let bv = sb[kk * 16u + lid3.x];
      acc[0] = fma(vec4<f32>(av.x), bv, acc[0]);
      acc[1] = fma(vec4<f32>(av.y), bv, acc[1]);
      acc[2] = fma(vec4<f32>(av.z), bv, acc[2]);
      acc[3] = fma(vec4<f32>(av.w), bv, acc[3]);
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i = i + 1u) {
    let r = row0 + lid3.y * 4u + i;
    if (r < p.m) {
      for (var j = 0u; j < 4u; j = j + 1u) {
        let col = col0 + lid3.x * 4u + j;
        if (col < p.n) {
          c[co + r * p.c_rs + col * p.c_cs] = p.alpha * acc[i][j];
        }
      }
    }
  }
}
