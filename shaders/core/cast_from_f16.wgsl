// Casts f16 to f32, i32 or u32, on raw bits (no 'shader-f16' arithmetic needed). Each
// invocation reads one word (two halves, element 2w in the low 16 bits) and writes elements
// 2w and 2w + 1. f16 -> f32 is exact (subnormal halves are normalised); to integers it then
// truncates toward zero and saturates (f16's range fits i32; negatives -> 0 for u32; Inf
// saturates; NaN -> 0).
struct Params {
  n: u32,      // elements
  words: u32,  // ceil(n / 2)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn f16_to_f32(h: u32) -> u32 {
  let sign = (h & 0x8000u) << 16u;
  let exp = (h >> 10u) & 0x1fu;
  let mant = h & 0x3ffu;
  if (exp == 0x1fu) { return sign | 0x7f800000u | (mant << 13u); }
  if (exp != 0u) { return sign | ((exp + 112u) << 23u) | (mant << 13u); }
  if (mant == 0u) { return sign; }
  // subnormal: mant 2^-24 = 2^(lead - 24) (1.f); move the leading bit out of the fraction
  let lead = firstLeadingBit(mant);
  let frac = (mant << (10u - lead)) & 0x3ffu;
  return sign | ((lead + 103u) << 23u) | (frac << 13u);
}

fn convert(h: u32) -> u32 {
  let b = f16_to_f32(h);
#if ${TO_F32}
  return b;
#else
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0u; } // NaN
#if ${SIGNED}
  return bitcast<u32>(i32(clamp(bitcast<f32>(b), -2147483648.0, 2147483520.0)));
#else
  return u32(clamp(bitcast<f32>(b), 0.0, 4294967040.0));
#endif
#endif
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let w = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (w >= p.words) { return; }
  let v = x[w];
  let i = 2u * w;
  out[i] = convert(v & 0xffffu);
  if (i + 1u < p.n) {
    out[i + 1u] = convert(v >> 16u);
  }
}
