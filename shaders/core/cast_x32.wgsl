// Casts between the 4-byte dtypes, on raw bits, one element per invocation. Exactly one of
// the flags is true (none: BITS):
//   F2I f32 -> i32, F2U f32 -> u32: truncate toward zero, saturate at the type's range (as WGSL's
//     i32()/u32() specify), NaN -> 0 (WGSL leaves NaN indeterminate; fixed here).
//   I2F i32 -> f32, U2F u32 -> f32: round to nearest, ties to even, by integer operations (WGSL lets
//     the hardware round either way), so results are identical on every adapter.
//   otherwise i32 <-> u32: reinterpretation of the bits (two's complement wrap, as numpy's astype).
struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn is_nan(b: u32) -> bool {
  return (b & 0x7fffffffu) > 0x7f800000u;
}

// Magnitude v as f32 bits, rounded to nearest even.
fn u32_to_f32_bits(v: u32) -> u32 {
  if (v < 0x1000000u) { return bitcast<u32>(f32(v)); } // exact below 2^24
  let lead = firstLeadingBit(v);
  let shift = lead - 23u;
  var m = v >> shift;
  let rem = v & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (m & 1u) == 1u)) { m = m + 1u; }
  return ((lead + 127u) << 23u) + (m - 0x800000u); // a carry out of m bumps the exponent: correct
}

fn convert(b: u32) -> u32 {
#if ${F2I}
  if (is_nan(b)) { return 0u; }
  return bitcast<u32>(i32(clamp(bitcast<f32>(b), -2147483648.0, 2147483520.0)));
#elif ${F2U}
  if (is_nan(b)) { return 0u; }
  return u32(clamp(bitcast<f32>(b), 0.0, 4294967040.0));
#elif ${I2F}
  let v = bitcast<i32>(b);
  let sign = b & 0x80000000u;
  let mag = select(b, 0u - b, v < 0); // |INT_MIN| = 2^31 fits in u32
  return sign | u32_to_f32_bits(mag);
#elif ${U2F}
  return u32_to_f32_bits(b);
#else
  return b;
#endif
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (i >= p.n) { return; }
  out[i] = convert(x[i]);
}
