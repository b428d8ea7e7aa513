// Exact score, its divergence and the log density of a diffused Gaussian mixture with diagonal
// covariances, at one time: component k of p_t is N(m mu_k, m^2 var_k + add_var) (m and add_var
// are the SDE's mean scale and added variance at t). With responsibilities w_k(x) and
// g_k = -(x - m mu_k) / v_k:
//   s = sum_k w_k g_k,  div s = sum_k w_k (|g_k|^2 - sum_i 1 / v_ki) - |s|^2,
//   log p = logsumexp_k (log pi_k + log N_k(x)).
// Components are packed [log pi_k, mu_k (d), var_k (d)]; at most KMAX of them.
struct Params {
  rows: u32,
  d: u32,
  k: u32,
  x_stride: u32,
  m: f32,
  add_var: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> comp: array<f32>;
@group(0) @binding(3) var<storage, read_write> s: array<f32>;
@group(0) @binding(4) var<storage, read_write> div: array<f32>;
@group(0) @binding(5) var<storage, read_write> logp: array<f32>;

const LN_2PI: f32 = 1.8378770664093453;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  let stride = 1u + 2u * p.d;
  var lk: array<f32, ${KMAX}>;
  var mx = -3.0e38;
  for (var k = 0u; k < p.k; k = k + 1u) {
    let o = k * stride;
    var q = comp[o];
    for (var i = 0u; i < p.d; i = i + 1u) {
      let v = p.m * p.m * comp[o + 1u + p.d + i] + p.add_var;
      let e = x[b * p.x_stride + i] - p.m * comp[o + 1u + i];
      q = q - 0.5 * (e * e / v + log(v) + LN_2PI);
    }
    lk[k] = q;
    mx = max(mx, q);
  }
  var tot = 0.0;
  for (var k = 0u; k < p.k; k = k + 1u) {
    lk[k] = exp(lk[k] - mx);
    tot = tot + lk[k];
  }
  for (var i = 0u; i < p.d; i = i + 1u) { s[b * p.d + i] = 0.0; }
  var dv = 0.0;
  for (var k = 0u; k < p.k; k = k + 1u) {
    let wk = lk[k] / tot;
    let o = k * stride;
    var gk2 = 0.0;
    var tr = 0.0;
    for (var i = 0u; i < p.d; i = i + 1u) {
      let v = p.m * p.m * comp[o + 1u + p.d + i] + p.add_var;
      let g = -(x[b * p.x_stride + i] - p.m * comp[o + 1u + i]) / v;
      s[b * p.d + i] = s[b * p.d + i] + wk * g;
      gk2 = gk2 + g * g;
      tr = tr + 1.0 / v;
    }
    dv = dv + wk * (gk2 - tr);
  }
  var s2 = 0.0;
  for (var i = 0u; i < p.d; i = i + 1u) { s2 = s2 + s[b * p.d + i] * s[b * p.d + i]; }
  div[b] = dv - s2;
  logp[b] = mx + log(tot);
}
