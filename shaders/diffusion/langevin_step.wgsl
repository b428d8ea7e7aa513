// Corrector of the predictor-corrector sampler (Song et al. 2021, Alg. 4/5): one Langevin step
//   x <- x + eps s + sqrt(2 eps) z,  eps = 2 alpha (snr |z| / |s|)^2,
// with |s|^2 and |z|^2 summed over the batch on the GPU (stats[0], stats[1]).
struct Params {
  n: u32,
  snr: f32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read> stats: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (e >= p.n) { return; }
  let ratio = p.snr * sqrt(stats[1] / max(stats[0], 1e-30));
  let step = 2.0 * p.alpha * ratio * ratio;
  x[e] = x[e] + step * s[e] + sqrt(2.0 * step) * z[e];
}
