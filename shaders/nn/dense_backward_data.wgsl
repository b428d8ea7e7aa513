// Backward of one dense layer towards its input: da_low = dz_up W^T (+ da_up when the layer is
// RESIDUAL, whose skip path passes the gradient through), for the first kcols input columns;
// then, when the layer below has an activation (LOW_ACT != 0), dz_low = da_low * act'(z_low),
// computed once per element here so the next kernels read it instead of re-evaluating act'.
// W is [n_in + 1, n_out] (bias row last, unused here).
//
// Register-blocked with the mapping of dense_forward: a workgroup owns RM rows, lane l the input
// columns l, l + WG, ...; no barriers.
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  kcols: u32,
  w_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dzu: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
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

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; // workgroup index
  let cblocks = (p.kcols + ${WG}u * ${TN}u - 1u) / (${WG}u * ${TN}u);
  let rb = g / cblocks;
  let cb = g % cblocks;
  let r0 = rb * ${RM}u;
  let k0 = cb * ${WG}u * ${TN}u + lid;
  if (r0 >= p.rows) { return; }
  var dr: array<u32, ${RM}>;
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    dr[i] = min(r0 + i, p.rows - 1u) * p.n_out;
  }
  var wr: array<u32, ${TN}>;
  for (var j = 0u; j < ${TN}u; j = j + 1u) {
    wr[j] = p.w_off + min(k0 + j * ${WG}u, p.kcols - 1u) * p.n_out;
  }
  var acc: array<array<f32, ${TN}>, ${RM}>;
  for (var c = 0u; c < p.n_out; c = c + 1u) {
    var wv: array<f32, ${TN}>;
    for (var j = 0u; j < ${TN}u; j = j + 1u) { wv[j] = w[wr[j] + c]; }
    for (var i = 0u; i < ${RM}u; i = i + 1u) {
      let dv = dzu[dr[i] + c];
      for (var j = 0u; j < ${TN}u; j = j + 1u) { acc[i][j] = fma(dv, wv[j], acc[i][j]); }
    }
  }
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    let r = r0 + i;
    if (r < p.rows) {
      for (var j = 0u; j < ${TN}u; j = j + 1u) {
        let k = k0 + j * ${WG}u;
        if (k < p.kcols) {
          var a = acc[i][j];
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
      }
    }
  }
}
