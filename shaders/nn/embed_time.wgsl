// First stage of the score MLP: writes the network input row [x, sin(2 pi w t), cos(2 pi w t)]
// (Gaussian Fourier features of the time, Tancik et al. / Song et al.) and the per-row output
// scale rs (1/std(t) when the net's output is scaled by the marginal std, else 1).
// t is per row (buffer tv, with the scale in buffer rsv) or one value for all rows (uniforms).
struct Params {
  rows: u32,
  d: u32,
  nf: u32,
  x_stride: u32,
  use_tconst: u32,
  tconst: f32,
  rsconst: f32,
  rep: u32,  // row r of the output reads row r / rep of x (exact divergence replicates rows)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> tv: array<f32>;
@group(0) @binding(3) var<storage, read> rsv: array<f32>;
@group(0) @binding(4) var<storage, read> fw: array<f32>;
@group(0) @binding(5) var<storage, read_write> xin: array<f32>;
@group(0) @binding(6) var<storage, read_write> rs: array<f32>;

const TWO_PI: f32 = 6.283185307179586;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (r >= p.rows) { return; }
  let src = r / p.rep;
  var t = p.tconst;
  var scale = p.rsconst;
  if (p.use_tconst == 0u) {
    t = tv[src];
    scale = rsv[src];
  }
  let w = p.d + 2u * p.nf;
  let o = r * w;
  for (var k = 0u; k < p.d; k = k + 1u) {
    xin[o + k] = x[src * p.x_stride + k];
  }
  for (var j = 0u; j < p.nf; j = j + 1u) {
    // fract keeps the sin/cos argument in [0, 2 pi) where WGSL's accuracy bound is absolute
    let a = TWO_PI * fract(fw[j] * t);
    xin[o + p.d + j] = sin(a);
    xin[o + p.d + p.nf + j] = cos(a);
  }
  rs[r] = scale;
}
