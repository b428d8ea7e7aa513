// One stage of an explicit Runge-Kutta step of the probability-flow ODE (SCIENCE.md 2)
//   dx/dt = f - g^2 s / 2,   d delta/dt = div f - g^2 div s / 2   (f = fcoef x, div f = divf)
// with the state y = [x, delta] (w = d + 1 columns) or y = x (w = d, sampling). Writes
// K_slot = F(y_stage) into slot `slot` of K, then the next stage's input
//   yo = y0 + h sum_{j <= slot} c_j K_j   (c_slot applied to the value just computed).
struct Params {
  rows: u32,
  d: u32,
  w: u32,
  slot: u32,
  h: f32,
  fcoef: f32,
  half_g2: f32,
  divf: f32,
  c: array<vec4<f32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y0: array<f32>;
@group(0) @binding(2) var<storage, read> ys: array<f32>;
@group(0) @binding(3) var<storage, read> s: array<f32>;
@group(0) @binding(4) var<storage, read> div: array<f32>;
@group(0) @binding(5) var<storage, read_write> kk: array<f32>;
@group(0) @binding(6) var<storage, read_write> yo: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let n = p.rows * p.w;
  if (e >= n) { return; }
  let b = e / p.w;
  let i = e % p.w;
  var kv: f32;
  if (i < p.d) {
    kv = p.fcoef * ys[e] - p.half_g2 * s[b * p.d + i];
  } else {
    kv = p.divf - p.half_g2 * div[b];
  }
  kk[p.slot * n + e] = kv;
  var acc = 0.0;
  for (var j = 0u; j < p.slot; j = j + 1u) {
    acc = acc + p.c[j / 4u][j % 4u] * kk[j * n + e];
  }
  acc = acc + p.c[p.slot / 4u][p.slot % 4u] * kv;
  yo[e] = y0[e] + p.h * acc;
}
