// out[i] = start + i * step.
// FLOAT (f32): fl(start + fl(f32(i) * step)) with f32(i) rounded to nearest even by integer
// operations (exact for i <= 2^24) and the product kept out of any fma, so the values are the
// same on every adapter and equal the host's float32 arithmetic.
// Otherwise (i32, u32): start + i * step in wrapping 32-bit arithmetic; the bits are identical
// for i32 and u32 (two's complement), so one pipeline serves both.
struct Params {
  n: u32,
  zero: u32,  // always 0; makes opaque() unknowable to the compiler
  start_u: u32,
  step_u: u32,
  start_f: f32,
  step_f: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

#if ${FLOAT}
// u32 -> f32 rounded to nearest, ties to even (WGSL lets the conversion round either way).
fn u32_to_f32(v: u32) -> f32 {
  if (v < 0x1000000u) { return f32(v); } // exact below 2^24
  let lead = firstLeadingBit(v);         // 24..31
  let shift = lead - 23u;
  var m = v >> shift;
  let rem = v & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (m & 1u) == 1u)) { m = m + 1u; }
  // m may round up to 2^24: the carry then moves into the exponent, which is still correct.
  return bitcast<f32>(((lead + 127u) << 23u) + (m - 0x800000u));
}

fn opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) ^ p.zero);
}
#endif

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (i >= p.n) { return; }
#if ${FLOAT}
  out[i] = bitcast<u32>(p.start_f + opaque(u32_to_f32(i) * p.step_f));
#else
  out[i] = p.start_u + i * p.step_u;
#endif
}
