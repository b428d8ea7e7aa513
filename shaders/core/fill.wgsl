// Every 32-bit word of out set to one bit pattern (an f32/i32/u32 value, or two copies of an f16
// value), 4 words per invocation.
struct Params {
  words: u32,
  value: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = t * 4u;
  if (base + 3u < p.words) {
    out[base] = p.value;
    out[base + 1u] = p.value;
    out[base + 2u] = p.value;
    out[base + 3u] = p.value;
  } else {
    for (var i = base; i < p.words; i = i + 1u) {
      out[i] = p.value;
    }
  }
}
