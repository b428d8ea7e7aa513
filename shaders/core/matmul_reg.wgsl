#if ${A_SG}
enable subgroups;
#endif
// C = alpha * op(A) op(B), batched, register-blocked, no workgroup memory or barriers: the
// variant for CPU drivers (lavapipe, SwiftShader), where a barrier costs a coroutine switch
// per invocation (WEBGPU.md: 16x16 shared tiles ran 8x slower than register blocks there).
//
// Each invocation computes an 8x8 block of C (16x8 with ROWS16): 8 (16) rows shared by the
// whole workgroup (from workgroup_id only) times 8 adjacent columns of its own, held in 16 (32)
// vec4 accumulators. Per k step it needs 8 (16) values of A and 8 of B (two vec4 loads with
// B_VEC4) for 64 (128) FMAs.
// Why loads are what matters on lavapipe (Mesa 25.0): inside the k loop every storage-buffer
// load component costs about as much as 13 SIMD FMAs, and the same whether its address is
// uniform across lanes or not (gallivm runs it lane by lane with a bounds check), while a
// subgroupBroadcast costs about nothing (measured). So with A_SG (the subgroup size, when the
// adapter has one fixed size dividing the rows) each lane of a subgroup loads one row's A
// value per A_SG rows and the rows are broadcast from the lane that loaded them: 16x8 blocks
// then take 2 + 8 load components per 128 FMAs instead of 16 + 8 (1.7x faster at N = 1024).
// Without subgroups every lane loads all rows itself. The extra accumulators of 16-row blocks
// spill, which costs less than the loads they save. Measured figures: registerRows in
// src/ops/matmul.ts.
// Written out without local arrays or constant-trip inner loops on purpose: a local array
// indexed in a loop that the driver's compiler does not fully unroll lives in memory, and on a
// SIMD-over-invocations CPU driver each such access becomes a per-lane gather or scatter.
//
// Operands are addressed through element strides (batch, row, column for A, B and C), so a
// transposed or permuted operand is read in place. Out-of-range rows/columns load a clamped
// (valid) element instead of branching, which also keeps every lane in uniform control flow
// for the broadcasts; their results are simply not stored. Every element is one serial FMA
// chain over k.

#include "lib/gemm_params.wgsl"


@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
#if ${B_VEC4}
// B read 4 columns at a time (host checks: unit column stride, 16-byte aligned rows and offsets).
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
#else
@group(0) @binding(2) var<storage, read> b: array<f32>;
#endif
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn store_row(co: u32, r: u32, col0: u32, v0: vec4<f32>, v1: vec4<f32>) {
  if (r >= p.m) { return; }
  let base = co + r * p.c_rs;
  for (var j = 0u; j < 4u; j = j + 1u) {
    if (col0 + j < p.n) { c[base + (col0 + j) * p.c_cs] = p.alpha * v0[j]; }
    if (col0 + 4u + j < p.n) { c[base + (col0 + 4u + j) * p.c_cs] = p.alpha * v1[j]; }
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>,
#if ${A_SG}
        @builtin(subgroup_invocation_id) sl: u32,
#endif
        @builtin(local_invocation_index) lid: u32) {
  // Batch coordinates from wid.z (row-major over batch_shape).
  let offs = gemm_batch_offsets(wid.z);
  let ao = offs.x;
  let bo = offs.y;
  let co = offs.z;

#if ${ROWS16}
  let row0 = wid.y * 16u;
#else
  let row0 = wid.y * 8u;
#endif
  let col0 = (wid.x * ${WG}u + lid) * 8u;
  let mlast = p.m - 1u;
  let nlast = p.n - 1u;
#if ${A_SG}
  // Lane sl loads rows row0 + sl, row0 + A_SG + sl, ... (ROWS / A_SG of them).
  const SG = ${A_SG}u;
  let al0 = ao + min(row0 + sl, mlast) * p.a_rs;
#if ${A_LOADS2}
  let al1 = ao + min(row0 + SG + sl, mlast) * p.a_rs;
#endif
#if ${A_LOADS4}
  let al2 = ao + min(row0 + 2u * SG + sl, mlast) * p.a_rs;
  let al3 = ao + min(row0 + 3u * SG + sl, mlast) * p.a_rs;
#endif
#else
  let ar0 = ao + min(row0 + 0u, mlast) * p.a_rs;
  let ar1 = ao + min(row0 + 1u, mlast) * p.a_rs;
  let ar2 = ao + min(row0 + 2u, mlast) * p.a_rs;
  let ar3 = ao + min(row0 + 3u, mlast) * p.a_rs;
  let ar4 = ao + min(row0 + 4u, mlast) * p.a_rs;
  let ar5 = ao + min(row0 + 5u, mlast) * p.a_rs;
  let ar6 = ao + min(row0 + 6u, mlast) * p.a_rs;
  let ar7 = ao + min(row0 + 7u, mlast) * p.a_rs;
#endif
#if ${A_ROWS16_LOADED}
  let ar8 = ao + min(row0 + 8u, mlast) * p.a_rs;
  let ar9 = ao + min(row0 + 9u, mlast) * p.a_rs;
  let ar10 = ao + min(row0 + 10u, mlast) * p.a_rs;
  let ar11 = ao + min(row0 + 11u, mlast) * p.a_rs;
  let ar12 = ao + min(row0 + 12u, mlast) * p.a_rs;
  let ar13 = ao + min(row0 + 13u, mlast) * p.a_rs;
  let ar14 = ao + min(row0 + 14u, mlast) * p.a_rs;
  let ar15 = ao + min(row0 + 15u, mlast) * p.a_rs;
#endif
#if ${B_VEC4}
  let bq0 = (bo + min(col0, nlast - 3u)) / 4u;
  let bq1 = (bo + min(col0 + 4u, nlast - 3u)) / 4u;
#else
  let bc0 = bo + min(col0 + 0u, nlast) * p.b_cs;
  let bc1 = bo + min(col0 + 1u, nlast) * p.b_cs;
  let bc2 = bo + min(col0 + 2u, nlast) * p.b_cs;
  let bc3 = bo + min(col0 + 3u, nlast) * p.b_cs;
  let bc4 = bo + min(col0 + 4u, nlast) * p.b_cs;
  let bc5 = bo + min(col0 + 5u, nlast) * p.b_cs;
  let bc6 = bo + min(col0 + 6u, nlast) * p.b_cs;
  let bc7 = bo + min(col0 + 7u, nlast) * p.b_cs;
#endif
  var c00 = vec4<f32>(0.0);
  var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0);
  var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0);
  var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0);
  var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0);
  var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0);
  var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0);
  var c71 = vec4<f32>(0.0);
#if ${ROWS16}
  var c8_0 = vec4<f32>(0.0);
  var c8_1 = vec4<f32>(0.0);
  var c9_0 = vec4<f32>(0.0);
  var c9_1 = vec4<f32>(0.0);
  var c10_0 = vec4<f32>(0.0);
  var c10_1 = vec4<f32>(0.0);
  var c11_0 = vec4<f32>(0.0);
  var c11_1 = vec4<f32>(0.0);
  var c12_0 = vec4<f32>(0.0);
  var c12_1 = vec4<f32>(0.0);
  var c13_0 = vec4<f32>(0.0);
  var c13_1 = vec4<f32>(0.0);
  var c14_0 = vec4<f32>(0.0);
  var c14_1 = vec4<f32>(0.0);
  var c15_0 = vec4<f32>(0.0);
  var c15_1 = vec4<f32>(0.0);
#endif
  var ak = 0u;
  var bk = 0u;
  for (var kk = 0u; kk < p.k; kk = kk + 1u) {
#if ${B_VEC4}
    let b0 = b[bq0 + bk];
    let b1 = b[bq1 + bk];
#else
    let b0 = vec4<f32>(b[bc0 + bk], b[bc1 + bk], b[bc2 + bk], b[bc3 + bk]);
    let b1 = vec4<f32>(b[bc4 + bk], b[bc5 + bk], b[bc6 + bk], b[bc7 + bk]);
#endif
#if ${A_SG}
    var av = vec4<f32>(a[al0 + ak], 0.0, 0.0, 0.0);
#endif
#if ${A_LOADS2}
    av.y = a[al1 + ak];
#endif
#if ${A_LOADS4}
    av.z = a[al2 + ak];
    av.w = a[al3 + ak];
#endif
#if ${A_SG}
    let a0 = vec4<f32>(subgroupBroadcast(av[0u / SG], 0u % SG));
    let a1 = vec4<f32>(subgroupBroadcast(av[1u / SG], 1u % SG));
    let a2 = vec4<f32>(subgroupBroadcast(av[2u / SG], 2u % SG));
    let a3 = vec4<f32>(subgroupBroadcast(av[3u / SG], 3u % SG));
    let a4 = vec4<f32>(subgroupBroadcast(av[4u / SG], 4u % SG));
    let a5 = vec4<f32>(subgroupBroadcast(av[5u / SG], 5u % SG));
    let a6 = vec4<f32>(subgroupBroadcast(av[6u / SG], 6u % SG));
    let a7 = vec4<f32>(subgroupBroadcast(av[7u / SG], 7u % SG));
#else
    let a0 = vec4<f32>(a[ar0 + ak]);
    let a1 = vec4<f32>(a[ar1 + ak]);
    let a2 = vec4<f32>(a[ar2 + ak]);
    let a3 = vec4<f32>(a[ar3 + ak]);
    let a4 = vec4<f32>(a[ar4 + ak]);
    let a5 = vec4<f32>(a[ar5 + ak]);
    let a6 = vec4<f32>(a[ar6 + ak]);
    let a7 = vec4<f32>(a[ar7 + ak]);
#endif
    c00 = fma(a0, b0, c00);
    c01 = fma(a0, b1, c01);
    c10 = fma(a1, b0, c10);
    c11 = fma(a1, b1, c11);
    c20 = fma(a2, b0, c20);
    c21 = fma(a2, b1, c21);
    c30 = fma(a3, b0, c30);
    c31 = fma(a3, b1, c31);
    c40 = fma(a4, b0, c40);
    c41 = fma(a4, b1, c41);
    c50 = fma(a5, b0, c50);
    c51 = fma(a5, b1, c51);
    c60 = fma(a6, b0, c60);
    c61 = fma(a6, b1, c61);
    c70 = fma(a7, b0, c70);
    c71 = fma(a7, b1, c71);
#if ${A_SG_ROWS16}
    let a8 = vec4<f32>(subgroupBroadcast(av[8u / SG], 8u % SG));
    let a9 = vec4<f32>(subgroupBroadcast(av[9u / SG], 9u % SG));
    let a10 = vec4<f32>(subgroupBroadcast(av[10u / SG], 10u % SG));
    let a11 = vec4<f32>(subgroupBroadcast(av[11u / SG], 11u % SG));
    let a12 = vec4<f32>(subgroupBroadcast(av[12u / SG], 12u % SG));
    let a13 = vec4<f32>(subgroupBroadcast(av[13u / SG], 13u % SG));
    let a14 = vec4<f32>(subgroupBroadcast(av[14u / SG], 14u % SG));
    let a15 = vec4<f32>(subgroupBroadcast(av[15u / SG], 15u % SG));
#endif
#if ${A_ROWS16_LOADED}
    let a8 = vec4<f32>(a[ar8 + ak]);
    let a9 = vec4<f32>(a[ar9 + ak]);
    let a10 = vec4<f32>(a[ar10 + ak]);
    let a11 = vec4<f32>(a[ar11 + ak]);
    let a12 = vec4<f32>(a[ar12 + ak]);
    let a13 = vec4<f32>(a[ar13 + ak]);
    let a14 = vec4<f32>(a[ar14 + ak]);
    let a15 = vec4<f32>(a[ar15 + ak]);
#endif
#if ${ROWS16}
    c8_0 = fma(a8, b0, c8_0);
    c8_1 = fma(a8, b1, c8_1);
    c9_0 = fma(a9, b0, c9_0);
    c9_1 = fma(a9, b1, c9_1);
    c10_0 = fma(a10, b0, c10_0);
    c10_1 = fma(a10, b1, c10_1);
    c11_0 = fma(a11, b0, c11_0);
    c11_1 = fma(a11, b1, c11_1);
    c12_0 = fma(a12, b0, c12_0);
    c12_1 = fma(a12, b1, c12_1);
    c13_0 = fma(a13, b0, c13_0);
    c13_1 = fma(a13, b1, c13_1);
    c14_0 = fma(a14, b0, c14_0);
    c14_1 = fma(a14, b1, c14_1);
    c15_0 = fma(a15, b0, c15_0);
    c15_1 = fma(a15, b1, c15_1);
#endif
    ak = ak + p.a_cs;
#if ${B_VEC4}
    bk = bk + p.b_rs / 4u;
#else
    bk = bk + p.b_rs;
#endif
  }

  store_row(co, row0 + 0u, col0, c00, c01);
  store_row(co, row0 + 1u, col0, c10, c11);
  store_row(co, row0 + 2u, col0, c20, c21);
  store_row(co, row0 + 3u, col0, c30, c31);
  store_row(co, row0 + 4u, col0, c40, c41);
  store_row(co, row0 + 5u, col0, c50, c51);
  store_row(co, row0 + 6u, col0, c60, c61);
  store_row(co, row0 + 7u, col0, c70, c71);
#if ${ROWS16}
  store_row(co, row0 + 8u, col0, c8_0, c8_1);
  store_row(co, row0 + 9u, col0, c9_0, c9_1);
  store_row(co, row0 + 10u, col0, c10_0, c10_1);
  store_row(co, row0 + 11u, col0, c11_0, c11_1);
  store_row(co, row0 + 12u, col0, c12_0, c12_1);
  store_row(co, row0 + 13u, col0, c13_0, c13_1);
  store_row(co, row0 + 14u, col0, c14_0, c14_1);
  store_row(co, row0 + 15u, col0, c15_0, c15_1);
#endif
}
