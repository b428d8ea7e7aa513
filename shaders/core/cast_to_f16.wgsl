// Casts f32, i32 or u32 to f16, on raw bits (no 'shader-f16' arithmetic needed). f16 tensors
// hold two halves per u32 word (element 2w in the low 16 bits); each invocation builds one
// whole output word from elements 2w and 2w + 1, and writes 0 in the upper half of a final odd
// word. Integers go to f32 first, exactly (every integer below 2^24 is an f32, and anything
// larger overflows f16 to infinity either way), then f32 -> f16 rounds to nearest, ties to
// even, with subnormals, overflow to infinity and NaN kept (as a quiet NaN), identically to
// runtime/dtype.ts f32ToF16Bits.
struct Params {
  n: u32,      // elements
  words: u32,  // ceil(n / 2)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

// Integers >= 2^24 saturate to 2^24, which already overflows f16.
fn int_to_f32_bits(v: u32, signed: bool) -> u32 {
  let neg = signed && (v & 0x80000000u) != 0u;
  let mag = min(select(v, 0u - v, neg), 0x1000000u);
  return select(0u, 0x80000000u, neg) | bitcast<u32>(f32(mag));
}

fn f32_to_f16(b: u32) -> u32 {
  let sign = (b >> 16u) & 0x8000u;
  let exp = (b >> 23u) & 0xffu;
  var mant = b & 0x7fffffu;
  if (exp == 0xffu) { return sign | 0x7c00u | select(0u, 0x200u, mant != 0u); }
  let e = i32(exp) - 112; // rebias 127 -> 15
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; } // below half the smallest subnormal: signed zero
    mant = mant | 0x800000u;
    let shift = u32(14 - e);
    var h = mant >> shift;
    let rem = mant & ((1u << shift) - 1u);
    let mid = 1u << (shift - 1u);
    if (rem > mid || (rem == mid && (h & 1u) == 1u)) { h = h + 1u; }
    return sign | h;
  }
  var h = (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u) == 1u)) { h = h + 1u; } // may carry into Inf: correct
  return sign | h;
}

fn convert(b: u32) -> u32 {
#if ${FROM_F32}
  return f32_to_f16(b);
#else
  return f32_to_f16(int_to_f32_bits(b, ${SIGNED}));
#endif
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let w = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (w >= p.words) { return; }
  let i = 2u * w;
  var v = convert(x[i]);
  if (i + 1u < p.n) {
    v = v | (convert(x[i + 1u]) << 16u);
  }
  out[w] = v;
}
