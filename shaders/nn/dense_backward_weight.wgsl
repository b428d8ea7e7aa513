// Weight and bias gradient of one dense layer: G[k, j] = sum_b x[b, k] dz[b, j] for k < n_in,
// and the bias row G[n_in, j] = sum_b dz[b, j] (the input augmented with a column of ones), written
// into the layer's block of the flat gradient buffer ([n_in + 1, n_out], like the weights).
//
// Register-blocked with the mapping of dense_forward (a workgroup owns RM weight rows, lane l the
// columns l, l + WG, ...), each invocation looping over the whole
// batch in order (a sequential float32 sum of `rows` terms; no barriers, see dense_forward).
struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  w_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dz: array<f32>;
@group(0) @binding(3) var<storage, read_write> gw: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; // workgroup index
  let nk = p.n_in + 1u;
  let cblocks = (p.n_out + ${WG}u * ${TN}u - 1u) / (${WG}u * ${TN}u);
  let kb = g / cblocks;
  let cb = g % cblocks;
  let k0 = kb * ${RM}u;
  let c0 = cb * ${WG}u * ${TN}u + lid;
  if (k0 >= nk) { return; }
  var kc: array<u32, ${RM}>;
  var one: array<f32, ${RM}>; // 1 on the bias row, whose input is the constant 1
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    let k = min(k0 + i, nk - 1u);
    kc[i] = min(k, p.n_in - 1u);
    one[i] = select(0.0, 1.0, k == p.n_in);
  }
  var cc: array<u32, ${TN}>;
  for (var j = 0u; j < ${TN}u; j = j + 1u) { cc[j] = min(c0 + j * ${WG}u, p.n_out - 1u); }
  var acc: array<array<f32, ${TN}>, ${RM}>;
  var xo = 0u;
  var zo = 0u;
  for (var b = 0u; b < p.rows; b = b + 1u) {
    var dv: array<f32, ${TN}>;
    for (var j = 0u; j < ${TN}u; j = j + 1u) { dv[j] = dz[zo + cc[j]]; }
    for (var i = 0u; i < ${RM}u; i = i + 1u) {
      let xv = select(x[xo + kc[i]], 1.0, one[i] != 0.0);
      for (var j = 0u; j < ${TN}u; j = j + 1u) { acc[i][j] = fma(xv, dv[j], acc[i][j]); }
    }
    xo = xo + p.n_in;
    zo = zo + p.n_out;
  }
  for (var i = 0u; i < ${RM}u; i = i + 1u) {
    let k = k0 + i;
    if (k < nk) {
      for (var j = 0u; j < ${TN}u; j = j + 1u) {
        let c = c0 + j * ${WG}u;
        if (c < p.n_out) { gw[p.w_off + k * p.n_out + c] = acc[i][j]; }
      }
    }
  }
}
