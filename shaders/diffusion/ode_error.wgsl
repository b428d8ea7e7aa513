// Scaled local error of an embedded Runge-Kutta pair, per row:
//   err[b] = max_i |h sum_j e_j K_j[b, i]| / (atol + rtol max(|y0[b, i]|, |yn[b, i]|))
// (the step is accepted when the max over rows is <= 1).
struct Params {
  rows: u32,
  w: u32,
  stages: u32,
  h: f32,
  atol: f32,
  rtol: f32,
  e: array<vec4<f32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y0: array<f32>;
@group(0) @binding(2) var<storage, read> yn: array<f32>;
@group(0) @binding(3) var<storage, read> kk: array<f32>;
@group(0) @binding(4) var<storage, read_write> err: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  let n = p.rows * p.w;
  var worst = 0.0;
  for (var i = 0u; i < p.w; i = i + 1u) {
    let o = b * p.w + i;
    var acc = 0.0;
    for (var j = 0u; j < p.stages; j = j + 1u) {
      acc = acc + p.e[j / 4u][j % 4u] * kk[j * n + o];
    }
    let sc = p.atol + p.rtol * max(abs(y0[o]), abs(yn[o]));
    worst = max(worst, abs(p.h * acc) / sc);
  }
  err[b] = worst;
}
