// One denoising-score-matching minibatch, drawn on the GPU: row b takes data point
// floor(u0 n_data), a time t from u1, and noise z, and writes
//   x_t = m(t) x_0 + std(t) z,  t,  rs = 1/std(t) (scaled net) or 1,
//   target = -z (scaled net, whose output is std * score) or -z / std,
//   c = lambda(t) / p(t) / (std^2 if scaled): the loss of the row is c |net - target|^2.
// t is uniform on [eps, 1] or, with IMPORTANCE, uniform in rho = log(std^2 / m^2) on
// [rho0, rho1], whose density g^2 / std^2 / (rho1 - rho0) makes the likelihood weighting
// lambda = g^2 a constant (Song et al. 2021, "Maximum likelihood training ...").
// SDEs (SCIENCE.md 2): VE g^2 = sigma^(2t), std^2 = (sigma^(2t) - 1) / (2 ln sigma), m = 1;
// VP beta = b0 + (b1 - b0) t, B = int beta, m = exp(-B / 2), std^2 = 1 - exp(-B).
struct Params {
  rows: u32,
  d: u32,
  n_data: u32,
  kind: u32,       // 1 VE, 2 VP
  weighting: u32,  // 0 lambda = 1, 1 lambda = std^2, 2 lambda = g^2
  importance: u32,
  scaled: u32,
  eps: f32,
  sa: f32,         // VE: ln sigma; VP: beta_min
  sb: f32,         // VP: beta_max
  rho0: f32,
  rho1: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> xt: array<f32>;
@group(0) @binding(5) var<storage, read_write> tv: array<f32>;
@group(0) @binding(6) var<storage, read_write> rs: array<f32>;
@group(0) @binding(7) var<storage, read_write> tc: array<f32>; // [rows, d + 1]: target, then c

// e^a - 1 without cancellation for small a (series error < a^5 / 120)
fn expm1(a: f32) -> f32 {
  if (abs(a) < 1e-2) { return a * (1.0 + a * (0.5 + a * (1.0 / 6.0 + a / 24.0))); }
  return exp(a) - 1.0;
}

fn log1p(a: f32) -> f32 {
  if (abs(a) < 1e-3) { return a * (1.0 - a * (0.5 - a / 3.0)); }
  return log(1.0 + a);
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  let idx = min(u32(u[2u * b] * f32(p.n_data)), p.n_data - 1u);
  let u1 = u[2u * b + 1u];
  var t: f32;
  if (p.importance != 0u) {
    let rho = p.rho0 + (p.rho1 - p.rho0) * u1;
    if (p.kind == 1u) {
      t = log1p(2.0 * p.sa * exp(rho)) / (2.0 * p.sa);
    } else {
      let bb = select(rho + log1p(exp(-rho)), log1p(exp(rho)), rho < 0.0); // softplus
      let db = p.sb - p.sa;
      t = select(2.0 * bb / (p.sa + sqrt(p.sa * p.sa + 2.0 * db * bb)), bb / p.sa, db == 0.0);
    }
    t = clamp(t, p.eps, 1.0);
  } else {
    t = p.eps + (1.0 - p.eps) * u1;
  }
  var m = 1.0;
  var var_t: f32;
  var g2: f32;
  if (p.kind == 1u) {
    var_t = expm1(2.0 * p.sa * t) / (2.0 * p.sa);
    g2 = exp(2.0 * p.sa * t);
  } else {
    let bint = p.sa * t + 0.5 * (p.sb - p.sa) * t * t;
    m = exp(-0.5 * bint);
    var_t = -expm1(-bint);
    g2 = p.sa + (p.sb - p.sa) * t;
  }
  let sd = sqrt(var_t);
  var lam = 1.0;
  if (p.weighting == 1u) { lam = var_t; }
  if (p.weighting == 2u) { lam = g2; }
  if (p.importance != 0u) { lam = lam * (p.rho1 - p.rho0) * var_t / g2; }
  var c = lam;
  var tscale = 1.0 / sd;
  if (p.scaled != 0u) {
    c = lam / var_t;
    tscale = 1.0;
    rs[b] = 1.0 / sd;
  } else {
    rs[b] = 1.0;
  }
  tv[b] = t;
  let w = p.d + 1u;
  for (var i = 0u; i < p.d; i = i + 1u) {
    let zi = z[b * p.d + i];
    xt[b * p.d + i] = m * data[idx * p.d + i] + sd * zi;
    tc[b * w + i] = -zi * tscale;
  }
  tc[b * w + p.d] = c;
}
