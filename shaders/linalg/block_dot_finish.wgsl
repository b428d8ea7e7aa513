// Second stage of block_dot_partial: out[off + i*b + q] = sum_c partial[(i*nchunks + c)*b + q]
// over the chunks, Neumaier-compensated. One invocation per (i, q).
struct Params {
  count: u32,
  b: u32,
  nchunks: u32,
  off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.count) { return; }
  let i = t / p.b;
  let q = t - i * p.b;
  var sum = 0.0;
  var comp = 0.0;
  for (var c = 0u; c < p.nchunks; c = c + 1u) {
    let v = partial[(i * p.nchunks + c) * p.b + q];
    let s = sum + v;
    if (abs(sum) >= abs(v)) { comp = comp + ((sum - s) + v); } else { comp = comp + ((v - s) + sum); }
    sum = s;
  }
  out[p.off + t] = sum + comp;
}
