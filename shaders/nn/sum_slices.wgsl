// out[i] = sum_s part[s * n + i] for i < n: adds the per-chunk partial weight gradients of
// dense_backward_weight (same layout as the parameters, one slice per batch chunk). A serial
// sum over the few slices; every element of the flat gradient in one dispatch.
struct Params {
  n: u32,
  slices: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (i >= p.n) { return; }
  var acc = part[i];
  for (var s = 1u; s < p.slices; s = s + 1u) {
    acc = acc + part[s * p.n + i];
  }
  out[i] = acc;
}
