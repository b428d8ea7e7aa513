// Per-sample entropy-rate terms at one time t (SCIENCE.md 2), D = g^2 / 2, f = fcoef x:
//   q0 = div f + D |s|^2                     system entropy rate Sdot (score form)
//   q1 = div f - D (2 div s + |s|^2)         Sdot_theta, implicit-score-matching form
//   q2 = |f - D s|^2 / D                     intrinsic rate (same in both directions)
//   q3 = (-f + 2 D s) . (f - D s) / D        exchange rate, generative direction
//   q4 = div s
// written to q[b, 0..4], and acc[b] += wq q[b] (acc = wq q when first != 0): per-sample
// quadrature of the time integrals, so their sampling error can be estimated from the rows.
struct Params {
  rows: u32,
  d: u32,
  first: u32,
  fcoef: f32,
  dcoef: f32,
  divf: f32,
  wq: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> xt: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read> div: array<f32>;
@group(0) @binding(4) var<storage, read_write> q: array<f32>;
@group(0) @binding(5) var<storage, read_write> acc: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  var s2 = 0.0;
  var r2 = 0.0;   // |f - D s|^2
  var ex = 0.0;   // (-f + 2 D s) . (f - D s)
  for (var i = 0u; i < p.d; i = i + 1u) {
    let sv = s[b * p.d + i];
    let f = p.fcoef * xt[b * p.d + i];
    let r = f - p.dcoef * sv;
    s2 = s2 + sv * sv;
    r2 = r2 + r * r;
    ex = ex + (2.0 * p.dcoef * sv - f) * r;
  }
  let dv = div[b];
  var v = array<f32, 5>(p.divf + p.dcoef * s2, p.divf - p.dcoef * (2.0 * dv + s2), r2 / p.dcoef, ex / p.dcoef, dv);
  for (var k = 0u; k < 5u; k = k + 1u) {
    q[b * 5u + k] = v[k];
    if (p.first != 0u) {
      acc[b * 5u + k] = p.wq * v[k];
    } else {
      acc[b * 5u + k] = acc[b * 5u + k] + p.wq * v[k];
    }
  }
}
