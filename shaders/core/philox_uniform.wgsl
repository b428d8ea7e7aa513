// Uniform floats in [low, high) from the Philox4x32-10 stream: word x gives
// u = (x >> 8) 2^-24 (24 bits, exact in f32) and v = low + (high - low) u, replaced by the
// largest float below high when rounding reaches high. The product goes through opaque() so a
// compiler cannot fuse it with the add into an fma: the rounding, and so every bit, is then
// the same on every adapter and equals test/reference/philox.ts. Philox code shared verbatim
// with philox_bits.wgsl.
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

// Philox4x32-10 (Salmon et al., SC'11). 32x32 -> 64-bit products from 16-bit limbs, since WGSL
// has no 64-bit integers. Integer-only, so the stream is identical on every adapter.
fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let ll = al * bl;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu); // < 3 * 2^16: no overflow
  let hi = ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r = r + 1u) {
    if (r > 0u) {
      k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
    }
    let p0 = mulhilo(0xd2511f53u, c.x);
    let p1 = mulhilo(0xcd9e8d57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
  }
  return c;
}

// Counter of block b: the 128-bit base counter plus b, with carries.
fn counter(b: u32) -> vec4<u32> {
  let c0 = p.ctr0 + b;
  let k0 = select(0u, 1u, c0 < b);
  let c1 = p.ctr1 + k0;
  let k1 = select(0u, 1u, c1 < k0);
  let c2 = p.ctr2 + k1;
  let k2 = select(0u, 1u, c2 < k1);
  return vec4<u32>(c0, c1, c2, p.ctr3 + k2);
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
