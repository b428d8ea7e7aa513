// One fused dense layer of the MLP: z = x W + b, y = act(z) (+ x when RESIDUAL) (* rs[row] when
// ROWSCALE), storing z for the backward pass when STORE_Z. W is the layer's block of the flat
// parameter buffer, laid out [n_in + 1, n_out] row-major with the bias as the last row.
//
// Register-blocked like core/matmul_reg.wgsl: a workgroup owns RM rows (so x loads are uniform
// across its lanes) and WG * TN columns; lane l owns columns l, l + WG, ... (so for each j
// neighbouring lanes load neighbouring weights). No workgroup memory and no barriers (a barrier
// costs a coroutine switch per invocation on CPU drivers). Out-of-range rows and columns load a
// clamped (valid) element and are not stored.
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  w_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
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

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; // workgroup index
  let cblocks = (p.n_out + ${WG}u * ${TN}u - 1u) / (${WG}u * ${TN}u);
  let rb = g / cblocks;
  let cb = g % cblocks;
  let r0 = rb * ${RM}u;
  let c0 = cb * ${WG}u * ${TN}u + lid;
  if (r0 >= p.rows) { return; }
  var xr: array<u32, ${RM}>;
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    xr[i] = min(r0 + i, p.rows - 1u) * p.n_in;
  }
  var wc: array<u32, ${TN}>;
  var acc: array<array<f32, ${TN}>, ${RM}>;
  for (var j = 0u; j < ${TN}u; j = j + 1u) {
    wc[j] = p.w_off + min(c0 + j * ${WG}u, p.n_out - 1u);
    let bias = w[wc[j] + p.n_in * p.n_out];
    for (var i = 0u; i < ${RM}u; i = i + 1u) { acc[i][j] = bias; }
  }
  var wk = 0u;
  for (var k = 0u; k < p.n_in; k = k + 1u) {
    var wv: array<f32, ${TN}>;
    for (var j = 0u; j < ${TN}u; j = j + 1u) { wv[j] = w[wc[j] + wk]; }
    for (var i = 0u; i < ${RM}u; i = i + 1u) {
      let xv = x[xr[i] + k];
      for (var j = 0u; j < ${TN}u; j = j + 1u) { acc[i][j] = fma(xv, wv[j], acc[i][j]); }
    }
    wk = wk + p.n_out;
  }
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    let r = r0 + i;
    if (r < p.rows) {
      for (var j = 0u; j < ${TN}u; j = j + 1u) {
        let c = c0 + j * ${WG}u;
        if (c < p.n_out) {
          let o = r * p.n_out + c;
          let zv = acc[i][j];
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
      }
    }
  }
}
