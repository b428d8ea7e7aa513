// Denoising score matching loss of a minibatch and its gradient with respect to the net output:
// loss_b = c_b |y_b - target_b|^2 and dL/dy_b = 2 c_b (y_b - target_b) / rows (L = mean loss).
struct Params {
  rows: u32,
  d: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> tc: array<f32>; // [rows, d + 1]: target, then c
@group(0) @binding(3) var<storage, read_write> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> lrow: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  let w = p.d + 1u;
  let c = tc[b * w + p.d];
  let k = 2.0 * c / f32(p.rows);
  var acc = 0.0;
  for (var i = 0u; i < p.d; i = i + 1u) {
    let e = y[b * p.d + i] - tc[b * w + i];
    dy[b * p.d + i] = k * e;
    acc = acc + e * e;
  }
  lrow[b] = c * acc;
}
