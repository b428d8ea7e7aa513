// Counter-based random numbers for the diffusion code: element e comes from Philox4x32-10
// (Salmon et al., SC'11) on counter (e / 4, stream, step, 0) with key (key0, key1), so a
// training loop can draw fresh noise every step from uniforms alone (no host round trip) and
// any element can be regenerated. MODE 0: standard normal (Box-Muller on word pairs),
// 1: uniform in (0, 1), 2: Rademacher +-1.
struct Params {
  n: u32,
  key0: u32,
  key1: u32,
  stream: u32,
  step: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

const MODE: u32 = ${MODE}u;

// high and low words of a 32 x 32 -> 64-bit product from 16-bit halves (WGSL has no u64)
fn mul_wide(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p01 = a0 * b1;
  let p10 = a1 * b0;
  let carry = ((p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu)) >> 16u;
  return vec2<u32>(a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + carry, a * b);
}

fn philox10(c_in: vec4<u32>, k_in: vec2<u32>) -> vec4<u32> {
  var c = c_in;
  var k = k_in;
  for (var round = 0u; round < 10u; round = round + 1u) {
    let m0 = mul_wide(0xd2511f53u, c.x);
    let m1 = mul_wide(0xcd9e8d57u, c.z);
    c = vec4<u32>(m1.x ^ c.y ^ k.x, m1.y, m0.x ^ c.w ^ k.y, m0.y);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}

// (0, 1): 24 random bits, centred in their cell so neither end is reached
fn unit(w: u32) -> f32 {
  return (f32(w >> 8u) + 0.5) * 5.9604644775390625e-8;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let blk = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = blk * 4u;
  if (base >= p.n) { return; }
  let r = philox10(vec4<u32>(blk, p.stream, p.step, 0u), vec2<u32>(p.key0, p.key1));
  var v: vec4<f32>;
  if (MODE == 0u) {
    let r1 = sqrt(-2.0 * log(unit(r.x)));
    let a1 = 6.283185307179586 * unit(r.y);
    let r2 = sqrt(-2.0 * log(unit(r.z)));
    let a2 = 6.283185307179586 * unit(r.w);
    v = vec4<f32>(r1 * cos(a1), r1 * sin(a1), r2 * cos(a2), r2 * sin(a2));
  } else if (MODE == 1u) {
    v = vec4<f32>(unit(r.x), unit(r.y), unit(r.z), unit(r.w));
  } else {
    v = vec4<f32>(select(-1.0, 1.0, (r.x & 1u) == 1u), select(-1.0, 1.0, (r.y & 1u) == 1u),
                  select(-1.0, 1.0, (r.z & 1u) == 1u), select(-1.0, 1.0, (r.w & 1u) == 1u));
  }
  for (var l = 0u; l < 4u; l = l + 1u) {
    if (base + l < p.n) { out[base + l] = v[l]; }
  }
}
