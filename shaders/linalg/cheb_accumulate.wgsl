// Chebyshev series accumulation for one tau: y = c * t_k (INIT, the k = 0 term) or y += c * t_k.
struct Params {
  nb: u32,
  c: f32,
  init: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> tk: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.nb) { return; }
  if (p.init != 0u) { y[t] = p.c * tk[t]; } else { y[t] = y[t] + p.c * tk[t]; }
}
