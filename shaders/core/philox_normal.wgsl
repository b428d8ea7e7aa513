// Standard normals by Box-Muller on the Philox4x32-10 stream: words (x0, x1) of a block give
// z0 = r cos t, z1 = r sin t with r = sqrt(-2 ln u1), t = 2 pi u2, and (x2, x3) give z2, z3;
// out = mean + std z.
//   u1 = ((x0 >> 8) + 1) 2^-24 in [2^-24, 1] (never 0), so |z| <= sqrt(48 ln 2) = 5.77: the
//   tail beyond it (probability 8e-9) is cut off.
//   u2 = (x1 >> 8) 2^-24; the quadrant and the reduced angle come from its integer bits, so
//   range reduction is exact.
// Bit-identical on every adapter: WGSL's log/sqrt/cos/sin and division are only accurate to a
// few ULP and differ between drivers, so this uses only + - * (correctly rounded in WGSL) and
// integer bit operations: ln by exponent split plus the atanh series, 1/x and 1/sqrt(x) by
// Newton's iteration, sin/cos by Taylor polynomials on [0, pi/4]. Each product goes through
// opaque() so no compiler fuses it into an fma, and no intermediate is subnormal (flush-to-zero
// is allowed in WGSL). test/reference/philox.ts repeats these float32 steps on the host.
// Accuracy against float64 Box-Muller on the same words: a few float32 ULP of r and of the
// angle functions (the test measures it). Philox code shared verbatim with philox_bits.wgsl.
struct Params {
  n: u32,
  key0: u32,
  key1: u32,
  ctr0: u32,
  ctr1: u32,
  ctr2: u32,
  ctr3: u32,
  zero: u32,  // always 0; unknown to the compiler, so opaque() cannot be folded away
  mean: f32,
  sd: f32,   // the standard deviation (`std` is reserved in WGSL)
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

// Rounded product that cannot be contracted into an fma with a following add.
fn fm(a: f32, b: f32) -> f32 {
  return opaque(a * b);
}

// ln(u) for u in [2^-24, 1]: u = 2^e m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s),
// s = (m - 1) / (m + 1), |s| <= 0.1716, series to s^11 (next term < 2^-30 relative).
fn ln_unit(u: f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32(bits >> 23u) - 127;
  var mb = (bits & 0x7fffffu) | 0x3f800000u;
  if (mb > 0x3fb504f3u) { // m > sqrt(2): halve it (exact)
    mb = mb - 0x00800000u;
    e = e + 1;
  }
  let m = bitcast<f32>(mb);
  let d = m + 1.0;
  // 1/d for d in [1.707, 2.415]: a line within 1.5%, then three Newton steps (error squares).
  var y = 0.99258 - fm(0.24264, d);
  y = fm(y, 2.0 - fm(d, y));
  y = fm(y, 2.0 - fm(d, y));
  y = fm(y, 2.0 - fm(d, y));
  let s = fm(m - 1.0, y);
  let s2 = fm(s, s);
  var q = 0.09090909; // 1/11
  q = 0.11111111 + fm(s2, q);
  q = 0.14285715 + fm(s2, q);
  q = 0.2 + fm(s2, q);
  q = 0.33333334 + fm(s2, q);
  q = 1.0 + fm(s2, q);
  let lnm = fm(2.0, fm(s, q));
  return fm(f32(e), 0.6931472) + lnm;
}

// sqrt(w) for w in [0, 34]: w / sqrt(w) with 1/sqrt from the classic bit estimate (3.4%) and
// three Newton steps.
fn sqrt_pos(w: f32) -> f32 {
  var y = bitcast<f32>(0x5f3759dfu - (bitcast<u32>(w) >> 1u));
  let h = fm(0.5, w);
  y = fm(y, 1.5 - fm(fm(h, y), y));
  y = fm(y, 1.5 - fm(fm(h, y), y));
  y = fm(y, 1.5 - fm(fm(h, y), y));
  return fm(w, y);
}

// sin and cos on [0, pi/4] by Taylor polynomials (truncation < 1e-11).
fn sin_p(x: f32) -> f32 {
  let x2 = fm(x, x);
  var q = -2.5052108e-8; // -1/11!
  q = 2.7557319e-6 + fm(x2, q);
  q = -1.984127e-4 + fm(x2, q);
  q = 8.333334e-3 + fm(x2, q);
  q = -0.16666667 + fm(x2, q);
  q = 1.0 + fm(x2, q);
  return fm(x, q);
}

fn cos_p(x: f32) -> f32 {
  let x2 = fm(x, x);
  var q = 2.0876756e-9; // 1/12!
  q = -2.755732e-7 + fm(x2, q);
  q = 2.4801588e-5 + fm(x2, q);
  q = -1.3888889e-3 + fm(x2, q);
  q = 4.1666668e-2 + fm(x2, q);
  q = -0.5 + fm(x2, q);
  return 1.0 + fm(x2, q);
}

// (cos, sin) of 2 pi (x >> 8) 2^-24: quadrant from the top 2 of the 24 bits, then the angle
// a (pi/2) 2^-22 in [0, pi/2), evaluated as itself or as pi/2 minus it so the argument is <= pi/4.
fn cos_sin(x: u32) -> vec2<f32> {
  let m = x >> 8u;
  let q = m >> 22u;
  let a = m & 0x3fffffu;
  let step = 3.7450702e-7; // (pi/2) 2^-22
  var c: f32;
  var s: f32;
  if (a <= 0x200000u) {
    let t = fm(f32(a), step);
    c = cos_p(t);
    s = sin_p(t);
  } else {
    let t = fm(f32(0x400000u - a), step);
    c = sin_p(t);
    s = cos_p(t);
  }
  if (q == 0u) { return vec2<f32>(c, s); }
  if (q == 1u) { return vec2<f32>(-s, c); }
  if (q == 2u) { return vec2<f32>(-c, -s); }
  return vec2<f32>(s, -c);
}

fn pair(x0: u32, x1: u32) -> vec2<f32> {
  let u1 = f32((x0 >> 8u) + 1u) * 5.9604644775390625e-8; // 2^-24
  let r = sqrt_pos(fm(-2.0, ln_unit(u1)));
  let cs = cos_sin(x1);
  return vec2<f32>(p.mean + fm(p.sd, fm(r, cs.x)), p.mean + fm(p.sd, fm(r, cs.y)));
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = b * 4u;
  if (base >= p.n) { return; }
  let r = philox(counter(b), vec2<u32>(p.key0, p.key1));
  let z01 = pair(r.x, r.y);
  let z23 = pair(r.z, r.w);
  let z = vec4<f32>(z01.x, z01.y, z23.x, z23.y);
  for (var l = 0u; l < 4u; l = l + 1u) {
    if (base + l < p.n) { out[base + l] = z[l]; }
  }
}
