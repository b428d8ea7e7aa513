// Raw Philox4x32-10 stream: out[4b + l] = lane l of philox(counter = base + b, key). One block
// (4 words) per invocation. The Philox rounds come from lib/philox.wgsl.
struct Params {
  n: u32,
  key0: u32,
  key1: u32,
  ctr0: u32,
  ctr1: u32,
  ctr2: u32,
  ctr3: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

#include "lib/philox.wgsl"

// Counter of block b: the 128-bit base counter plus b.
fn counter(b: u32) -> vec4<u32> {
  return philox_counter(vec4<u32>(p.ctr0, p.ctr1, p.ctr2, p.ctr3), b);
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = b * 4u;
  if (base >= p.n) { return; }
  let r = philox(counter(b), vec2<u32>(p.key0, p.key1));
  for (var l = 0u; l < 4u; l = l + 1u) {
    if (base + l < p.n) { out[base + l] = r[l]; }
  }
}
