// Negative log-likelihood per sample after integrating [x, delta] from t = eps to 1:
//   -log p_0(x_0) = -(log pi(x_1) + delta),
// pi = N(0, prior_var I), or (USE_MODEL_PRIOR) a log density already evaluated at x_1 (lp1).
struct Params {
  rows: u32,
  d: u32,
  use_model: u32,
  prior_var: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> lp1: array<f32>;
@group(0) @binding(3) var<storage, read_write> nll: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  let w = p.d + 1u;
  var lp = 0.0;
  if (p.use_model != 0u) {
    lp = lp1[b];
  } else {
    var q = 0.0;
    for (var i = 0u; i < p.d; i = i + 1u) {
      let v = y[b * w + i];
      q = q + v * v;
    }
    lp = -0.5 * q / p.prior_var - 0.5 * f32(p.d) * log(6.283185307179586 * p.prior_var);
  }
  nll[b] = -(lp + y[b * w + p.d]);
}
