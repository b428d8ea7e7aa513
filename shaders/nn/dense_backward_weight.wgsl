// Weight and bias gradient of one dense layer over one chunk of the batch:
//   G_s[k, j] = sum_{b in chunk s} x[b, k] dz[b, j] for k < n_in, and the bias row
//   G_s[n_in, j] = sum_{b in chunk s} dz[b, j] (the input augmented with a column of ones),
// written into slice s of the partial buffer (slice stride `slice`, the layer's block at w_off,
// [n_in + 1, n_out] like the weights). Chunks run as separate workgroups (workgroup z), so a
// small layer still fills the cores and each sum is short; nn/sum_slices.wgsl adds the slices.
//
// The 8 x 8 register-blocked product of dense_forward with k = the batch: 8 weight rows per
// workgroup (x loads uniform across lanes), 8 adjacent output columns per lane (vec4 loads of dz
// with DZ_VEC4), 16 vec4 accumulators, no barriers. Each partial is one serial FMA chain of at
// most `chunk` terms.
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  w_off: u32,
  chunk: u32,
  slice: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
#if ${DZ_VEC4}
@group(0) @binding(2) var<storage, read> dz: array<vec4<f32>>;
#else
@group(0) @binding(2) var<storage, read> dz: array<f32>;
#endif
@group(0) @binding(3) var<storage, read_write> gw: array<f32>;

fn store_row(base: u32, k: u32, col0: u32, v0: vec4<f32>, v1: vec4<f32>) {
  if (k > p.n_in) { return; }
  let o = base + k * p.n_out;
  for (var j = 0u; j < 4u; j = j + 1u) {
    if (col0 + j < p.n_out) { gw[o + col0 + j] = v0[j]; }
    if (col0 + 4u + j < p.n_out) { gw[o + col0 + 4u + j] = v1[j]; }
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k0 = wid.y * 8u;
  let col0 = (wid.x * ${WG}u + lid) * 8u;
  let b0 = wid.z * p.chunk;
  let b1 = min(b0 + p.chunk, p.rows);
  let klast = p.n_in - 1u;
  let nlast = p.n_out - 1u;
  // Row k of G reads column k of x; the bias row (k = n_in) reads the constant 1 instead.
  let xc0 = min(k0 + 0u, klast);
  let xc1 = min(k0 + 1u, klast);
  let xc2 = min(k0 + 2u, klast);
  let xc3 = min(k0 + 3u, klast);
  let xc4 = min(k0 + 4u, klast);
  let xc5 = min(k0 + 5u, klast);
  let xc6 = min(k0 + 6u, klast);
  let xc7 = min(k0 + 7u, klast);
  let one0 = k0 + 0u == p.n_in;
  let one1 = k0 + 1u == p.n_in;
  let one2 = k0 + 2u == p.n_in;
  let one3 = k0 + 3u == p.n_in;
  let one4 = k0 + 4u == p.n_in;
  let one5 = k0 + 5u == p.n_in;
  let one6 = k0 + 6u == p.n_in;
  let one7 = k0 + 7u == p.n_in;
#if ${DZ_VEC4}
  let bq0 = min(col0, nlast - 3u) / 4u;
  let bq1 = min(col0 + 4u, nlast - 3u) / 4u;
  let bstep = p.n_out / 4u;
#else
  let bc0 = min(col0 + 0u, nlast);
  let bc1 = min(col0 + 1u, nlast);
  let bc2 = min(col0 + 2u, nlast);
  let bc3 = min(col0 + 3u, nlast);
  let bc4 = min(col0 + 4u, nlast);
  let bc5 = min(col0 + 5u, nlast);
  let bc6 = min(col0 + 6u, nlast);
  let bc7 = min(col0 + 7u, nlast);
  let bstep = p.n_out;
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
  var xo = b0 * p.n_in;
  var bk = b0 * bstep;
  for (var b = b0; b < b1; b = b + 1u) {
#if ${DZ_VEC4}
    let d0 = dz[bq0 + bk];
    let d1 = dz[bq1 + bk];
#else
    let d0 = vec4<f32>(dz[bc0 + bk], dz[bc1 + bk], dz[bc2 + bk], dz[bc3 + bk]);
    let d1 = vec4<f32>(dz[bc4 + bk], dz[bc5 + bk], dz[bc6 + bk], dz[bc7 + bk]);
#endif
    let a0 = vec4<f32>(select(x[xo + xc0], 1.0, one0));
    c00 = fma(a0, d0, c00);
    c01 = fma(a0, d1, c01);
    let a1 = vec4<f32>(select(x[xo + xc1], 1.0, one1));
    c10 = fma(a1, d0, c10);
    c11 = fma(a1, d1, c11);
    let a2 = vec4<f32>(select(x[xo + xc2], 1.0, one2));
    c20 = fma(a2, d0, c20);
    c21 = fma(a2, d1, c21);
    let a3 = vec4<f32>(select(x[xo + xc3], 1.0, one3));
    c30 = fma(a3, d0, c30);
    c31 = fma(a3, d1, c31);
    let a4 = vec4<f32>(select(x[xo + xc4], 1.0, one4));
    c40 = fma(a4, d0, c40);
    c41 = fma(a4, d1, c41);
    let a5 = vec4<f32>(select(x[xo + xc5], 1.0, one5));
    c50 = fma(a5, d0, c50);
    c51 = fma(a5, d1, c51);
    let a6 = vec4<f32>(select(x[xo + xc6], 1.0, one6));
    c60 = fma(a6, d0, c60);
    c61 = fma(a6, d1, c61);
    let a7 = vec4<f32>(select(x[xo + xc7], 1.0, one7));
    c70 = fma(a7, d0, c70);
    c71 = fma(a7, d1, c71);
    xo = xo + p.n_in;
    bk = bk + bstep;
  }
  let base = wid.z * p.slice + p.w_off;
  store_row(base, k0 + 0u, col0, c00, c01);
  store_row(base, k0 + 1u, col0, c10, c11);
  store_row(base, k0 + 2u, col0, c20, c21);
  store_row(base, k0 + 3u, col0, c30, c31);
  store_row(base, k0 + 4u, col0, c40, c41);
  store_row(base, k0 + 5u, col0, c50, c51);
  store_row(base, k0 + 6u, col0, c60, c61);
  store_row(base, k0 + 7u, col0, c70, c71);
}
