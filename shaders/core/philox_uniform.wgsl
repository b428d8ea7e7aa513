// Uniform floats in [low, high) from the Philox4x32-10 stream: word x gives
// u = (x >> 8) 2^-24 (24 bits, exact in f32) and v = low + (high - low) u, replaced by the
// largest float below high when rounding reaches high. The product goes through opaque() so a
// compiler cannot fuse it with the add into an fma: the rounding, and so every bit, is then
// the same on every adapter and equals test/reference/philox.ts. Philox rounds: lib/philox.wgsl.
struct Params {
  n: u32,
  key0: u32,
  key1: u32,
  ctr0: u32,
  ctr1: u32,
  ctr2: u32,
  ctr3: u32,
  zero: u32,  // always 0; unknown to the compiler, so opaque() cannot be folded away
  low: f32,
  range: f32, // high - low, rounded to f32 on the host
  below: f32, // largest f32 below high
  high: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

#include "lib/philox.wgsl"

// Counter of block b: the 128-bit base counter plus b.
fn counter(b: u32) -> vec4<u32> {
  return philox_counter(vec4<u32>(p.ctr0, p.ctr1, p.ctr2, p.ctr3), b);
}

fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ p.zero);
}

fn uniform01(x: u32) -> f32 {
  return f32(x >> 8u) * 5.9604644775390625e-8; // 2^-24
}

fn map(x: u32) -> f32 {
  let v = p.low + opaque(p.range * uniform01(x));
  return select(p.below, v, v < p.high);
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = b * 4u;
  if (base >= p.n) { return; }
  let r = philox(counter(b), vec2<u32>(p.key0, p.key1));
  for (var l = 0u; l < 4u; l = l + 1u) {
    if (base + l < p.n) { out[base + l] = map(r[l]); }
  }
}
