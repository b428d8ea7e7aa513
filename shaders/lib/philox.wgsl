// Philox4x32-10 (Salmon et al., SC'11), shared by the RNG kernels through
// `#include "lib/philox.wgsl"`. 32x32 -> 64-bit products from 16-bit limbs, since WGSL has no
// 64-bit integers. Integer-only, so the stream is identical on every adapter;
// test/core/random.test.ts checks it against test/reference/philox.ts.
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

// The 128-bit counter base + b, with carries.
fn philox_counter(base: vec4<u32>, b: u32) -> vec4<u32> {
  let c0 = base.x + b;
  let k0 = select(0u, 1u, c0 < b);
  let c1 = base.y + k0;
  let k1 = select(0u, 1u, c1 < k0);
  let c2 = base.z + k1;
  let k2 = select(0u, 1u, c2 < k1);
  return vec4<u32>(c0, c1, c2, base.w + k2);
}
