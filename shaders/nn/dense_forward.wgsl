// One fused dense layer of the MLP: z = x W + b, y = act(z) (+ x when RESIDUAL) (* rs[row] when
// ROWSCALE), storing z for the backward pass when STORE_Z. W is the layer's block of the flat
// parameter buffer, laid out [n_in + 1, n_out] row-major with the bias as the last row.
//
// The core of core/matmul_reg.wgsl (what CPU drivers run fastest, WEBGPU.md): each invocation
// computes an 8 x 8 block, 8 rows shared by the whole workgroup (from the workgroup index only,
// so x loads are uniform across lanes) times 8 adjacent columns of its own, in 16 vec4
// accumulators; per k it loads 8 x values and 8 weights (two vec4 loads with W_VEC4) for 64
// FMAs. Written out without local arrays or barriers on purpose (a local array indexed in a
// loop becomes per-lane gathers on SIMD-over-invocations drivers; a barrier costs a coroutine
// switch per invocation). Out-of-range rows and columns load a clamped (valid) element and are
// not stored. Every z is one serial FMA chain over k starting from the bias.
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  w_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
#if ${W_VEC4}
// W read 4 columns at a time (host checks: n_out and w_off multiples of 4).
@group(0) @binding(2) var<storage, read> w: array<vec4<f32>>;
#else
@group(0) @binding(2) var<storage, read> w: array<f32>;
#endif
@group(0) @binding(3) var<storage, read> rs: array<f32>;
@group(0) @binding(4) var<storage, read_write> z: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

const ACT: u32 = ${ACT}u; // 0 identity, 1 SiLU, 2 tanh, 3 ReLU

fn act(v: f32) -> f32 {
  if (ACT == 1u) {
    // v * sigmoid(v), with exp of a non-positive argument only
    let e = exp(-abs(v));
    return v * select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
  }
  if (ACT == 2u) {
    let e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
  }
  if (ACT == 3u) { return max(v, 0.0); }
  return v;
}

fn store_one(r: u32, c: u32, zv: f32) {
  if (c >= p.n_out) { return; }
  let o = r * p.n_out + c;
#if ${STORE_Z}
  z[o] = zv;
#endif
  var yv = act(zv);
#if ${RESIDUAL}
  yv = yv + x[r * p.n_in + c];
#endif
#if ${ROWSCALE}
  yv = yv * rs[r];
#endif
  y[o] = yv;
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
  let cblocks = (p.n_out + ${WG}u * 8u - 1u) / (${WG}u * 8u);
  let row0 = (g / cblocks) * 8u;
  let col0 = ((g % cblocks) * ${WG}u + lid) * 8u;
  if (row0 >= p.rows) { return; }
  let mlast = p.rows - 1u;
  let nlast = p.n_out - 1u;
  let ar0 = min(row0 + 0u, mlast) * p.n_in;
  let ar1 = min(row0 + 1u, mlast) * p.n_in;
  let ar2 = min(row0 + 2u, mlast) * p.n_in;
  let ar3 = min(row0 + 3u, mlast) * p.n_in;
  let ar4 = min(row0 + 4u, mlast) * p.n_in;
  let ar5 = min(row0 + 5u, mlast) * p.n_in;
  let ar6 = min(row0 + 6u, mlast) * p.n_in;
  let ar7 = min(row0 + 7u, mlast) * p.n_in;
#if ${W_VEC4}
  let bq0 = (p.w_off + min(col0, nlast - 3u)) / 4u;
  let bq1 = (p.w_off + min(col0 + 4u, nlast - 3u)) / 4u;
  let bstep = p.n_out / 4u;
  let bias0 = w[bq0 + p.n_in * bstep];
  let bias1 = w[bq1 + p.n_in * bstep];
#else
  let bc0 = p.w_off + min(col0 + 0u, nlast);
  let bc1 = p.w_off + min(col0 + 1u, nlast);
  let bc2 = p.w_off + min(col0 + 2u, nlast);
  let bc3 = p.w_off + min(col0 + 3u, nlast);
  let bc4 = p.w_off + min(col0 + 4u, nlast);
  let bc5 = p.w_off + min(col0 + 5u, nlast);
  let bc6 = p.w_off + min(col0 + 6u, nlast);
  let bc7 = p.w_off + min(col0 + 7u, nlast);
  let bstep = p.n_out;
  let bb = p.n_in * bstep;
  let bias0 = vec4<f32>(w[bc0 + bb], w[bc1 + bb], w[bc2 + bb], w[bc3 + bb]);
  let bias1 = vec4<f32>(w[bc4 + bb], w[bc5 + bb], w[bc6 + bb], w[bc7 + bb]);
#endif
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
  for (var k = 0u; k < p.n_in; k = k + 1u) {
#if ${W_VEC4}
    let b0 = w[bq0 + bk];
    let b1 = w[bq1 + bk];
#else
    let b0 = vec4<f32>(w[bc0 + bk], w[bc1 + bk], w[bc2 + bk], w[bc3 + bk]);
    let b1 = vec4<f32>(w[bc4 + bk], w[bc5 + bk], w[bc6 + bk], w[bc7 + bk]);
#endif
    let a0 = vec4<f32>(x[ar0 + k]);
    c00 = fma(a0, b0, c00);
    c01 = fma(a0, b1, c01);
    let a1 = vec4<f32>(x[ar1 + k]);
    c10 = fma(a1, b0, c10);
    c11 = fma(a1, b1, c11);
    let a2 = vec4<f32>(x[ar2 + k]);
    c20 = fma(a2, b0, c20);
    c21 = fma(a2, b1, c21);
    let a3 = vec4<f32>(x[ar3 + k]);
    c30 = fma(a3, b0, c30);
    c31 = fma(a3, b1, c31);
    let a4 = vec4<f32>(x[ar4 + k]);
    c40 = fma(a4, b0, c40);
    c41 = fma(a4, b1, c41);
    let a5 = vec4<f32>(x[ar5 + k]);
    c50 = fma(a5, b0, c50);
    c51 = fma(a5, b1, c51);
    let a6 = vec4<f32>(x[ar6 + k]);
    c60 = fma(a6, b0, c60);
    c61 = fma(a6, b1, c61);
    let a7 = vec4<f32>(x[ar7 + k]);
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
