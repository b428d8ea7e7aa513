// Backward of one dense layer towards its input: da_low = dz_up W^T (+ da_up when the layer is
// RESIDUAL, whose skip path passes the gradient through), for the first kcols input columns;
// then, when the layer below has an activation (LOW_ACT != 0), dz_low = da_low * act'(z_low),
// computed once per element here so the next kernels read it instead of re-evaluating act'.
//
// W^T comes from a transposed copy (nn/transpose_weights.wgsl, [n_out, n_in] at wt_off, bias
// row dropped) so that this is the same 8 x 8 register-blocked product as dense_forward (see
// there): 8 rows of dz per workgroup (uniform loads), 8 adjacent input columns per lane (vec4
// loads of W^T with W_VEC4). Each da is one serial FMA chain over the n_out outputs.
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  kcols: u32,
  wt_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dzu: array<f32>;
#if ${W_VEC4}
// W^T read 4 columns at a time (host checks: n_in and wt_off multiples of 4).
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
#else
@group(0) @binding(2) var<storage, read> w: array<f32>;
#endif
@group(0) @binding(3) var<storage, read> dau: array<f32>;
@group(0) @binding(4) var<storage, read> zl: array<f32>;
@group(0) @binding(5) var<storage, read_write> dal: array<f32>;
@group(0) @binding(6) var<storage, read_write> dzl: array<f32>;

const LOW_ACT: u32 = ${LOW_ACT}u; // 0 none (input layer), 1 SiLU, 2 tanh, 3 ReLU

fn dact(v: f32) -> f32 {
  if (LOW_ACT == 1u) {
    let e = exp(-abs(v));
    let s = select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
    return s * (1.0 + v * (1.0 - s));
  }
  if (LOW_ACT == 2u) {
    let e = exp(-2.0 * abs(v));
    let th = (1.0 - e) / (1.0 + e);
    return 1.0 - th * th;
  }
  if (LOW_ACT == 3u) { return select(0.0, 1.0, v > 0.0); }
  return 1.0;
}

fn store_one(r: u32, k: u32, acc: f32) {
  if (k >= p.kcols) { return; }
  var a = acc;
#if ${RESIDUAL}
  a = a + dau[r * p.n_in + k];
#endif
  let o = r * p.kcols + k;
#if ${WRITE_DA}
  dal[o] = a;
#endif
  if (LOW_ACT != 0u) {
    dzl[o] = a * dact(zl[r * p.n_in + k]);
  }
}

fn store_row(r: u32, col0: u32, v0: vec4<f32>, v1: vec4<f32>) {
  if (r >= p.rows) { return; }
  for (var j = 0u; j < 4u; j = j + 1u) {
    store_one(r, col0 + j, v0[j]);
    store_one(r, col0 + 4u + j, v1[j]);
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; // workgroup index
  let cblocks = (p.kcols + ${WG}u * 8u - 1u) / (${WG}u * 8u);
  let row0 = (g / cblocks) * 8u;
  let col0 = ((g % cblocks) * ${WG}u + lid) * 8u;
  if (row0 >= p.rows) { return; }
  let mlast = p.rows - 1u;
  let nlast = p.kcols - 1u;
  let ar0 = min(row0 + 0u, mlast) * p.n_out;
  let ar1 = min(row0 + 1u, mlast) * p.n_out;
  let ar2 = min(row0 + 2u, mlast) * p.n_out;
  let ar3 = min(row0 + 3u, mlast) * p.n_out;
  let ar4 = min(row0 + 4u, mlast) * p.n_out;
  let ar5 = min(row0 + 5u, mlast) * p.n_out;
  let ar6 = min(row0 + 6u, mlast) * p.n_out;
  let ar7 = min(row0 + 7u, mlast) * p.n_out;
#if ${W_VEC4}
  let bq0 = (p.wt_off + min(col0, nlast - 3u)) / 4u;
  let bq1 = (p.wt_off + min(col0 + 4u, nlast - 3u)) / 4u;
  let bstep = p.n_in / 4u;
#else
  let bc0 = p.wt_off + min(col0 + 0u, nlast);
  let bc1 = p.wt_off + min(col0 + 1u, nlast);
  let bc2 = p.wt_off + min(col0 + 2u, nlast);
  let bc3 = p.wt_off + min(col0 + 3u, nlast);
  let bc4 = p.wt_off + min(col0 + 4u, nlast);
  let bc5 = p.wt_off + min(col0 + 5u, nlast);
  let bc6 = p.wt_off + min(col0 + 6u, nlast);
  let bc7 = p.wt_off + min(col0 + 7u, nlast);
  let bstep = p.n_in;
#endif
  let bias0 = vec4<f32>(0.0);
  let bias1 = vec4<f32>(0.0);
  var c00 = bias0;
  var c01 = bias1;
  var c10 = bias0;
  var c11 = bias1;
  var c20 = bias0;
  var c21 = bias1;
  var c30 = bias0;
  var c31 = bias1;
  var c40 = bias0;
  var c41 = bias1;
  var c50 = bias0;
  var c51 = bias1;
  var c60 = bias0;
  var c61 = bias1;
  var c70 = bias0;
  var c71 = bias1;
  var bk = 0u;
  for (var k = 0u; k < p.n_out; k = k + 1u) {
#if ${W_VEC4}
    let b0 = w[bq0 + bk];
    let b1 = w[bq1 + bk];
#else
    let b0 = vec4<f32>(w[bc0 + bk], w[bc1 + bk], w[bc2 + bk], w[bc3 + bk]);
    let b1 = vec4<f32>(w[bc4 + bk], w[bc5 + bk], w[bc6 + bk], w[bc7 + bk]);
#endif
    let a0 = vec4<f32>(dzu[ar0 + k]);
    c00 = fma(a0, b0, c00);
    c01 = fma(a0, b1, c01);
    let a1 = vec4<f32>(dzu[ar1 + k]);
    c10 = fma(a1, b0, c10);
    c11 = fma(a1, b1, c11);
    let a2 = vec4<f32>(dzu[ar2 + k]);
    c20 = fma(a2, b0, c20);
    c21 = fma(a2, b1, c21);
    let a3 = vec4<f32>(dzu[ar3 + k]);
    c30 = fma(a3, b0, c30);
    c31 = fma(a3, b1, c31);
    let a4 = vec4<f32>(dzu[ar4 + k]);
    c40 = fma(a4, b0, c40);
    c41 = fma(a4, b1, c41);
    let a5 = vec4<f32>(dzu[ar5 + k]);
    c50 = fma(a5, b0, c50);
    c51 = fma(a5, b1, c51);
    let a6 = vec4<f32>(dzu[ar6 + k]);
    c60 = fma(a6, b0, c60);
    c61 = fma(a6, b1, c61);
    let a7 = vec4<f32>(dzu[ar7 + k]);
    c70 = fma(a7, b0, c70);
    c71 = fma(a7, b1, c71);
    bk = bk + bstep;
  }
  store_row(row0 + 0u, col0, c00, c01);
  store_row(row0 + 1u, col0, c10, c11);
  store_row(row0 + 2u, col0, c20, c21);
  store_row(row0 + 3u, col0, c30, c31);
  store_row(row0 + 4u, col0, c40, c41);
  store_row(row0 + 5u, col0, c50, c51);
  store_row(row0 + 6u, col0, c60, c61);
  store_row(row0 + 7u, col0, c70, c71);
}
