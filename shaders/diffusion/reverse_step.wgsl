// One Euler-Maruyama step of the reverse SDE, t -> t - h (SCIENCE.md 2):
//   x <- x - (f - g^2 s) h + noise z,  f = fcoef x,  noise = g sqrt(h) (0 on the last,
// denoising step, which returns the mean).
struct Params {
  n: u32,
  fcoef: f32,
  g2: f32,
  h: f32,
  noise: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (e >= p.n) { return; }
  let xv = x[e];
  x[e] = xv - (p.fcoef * xv - p.g2 * s[e]) * p.h + p.noise * z[e];
}
