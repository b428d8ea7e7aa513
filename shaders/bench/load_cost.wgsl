#if ${SUBGROUP}
enable subgroups;
#endif
// What one value fetched per invocation costs inside a loop (bench/loads.ts): each iteration
// fetches FETCHES values (1 or 4) of one kind and feeds them to 16 independent FMA chains. The
// cost of a fetch is (time with 4 - time with 1) / 3; the 16 FMAs are the unit it is quoted in.
// Kinds: NONE (a value computed in registers), UNIFORM (a storage element at an address the
// same for every lane), LANE (a storage element per lane, consecutive across lanes), VEC4 (a
// vec4 per lane), SUBGROUP (a subgroupShuffle of a register value).
struct Params {
  iters: u32,
  // element count of s minus 1 (a power of two): keeps every address in bounds
  mask: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> s: array<f32>;
@group(0) @binding(2) var<storage, read> s4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn fetch(k: u32, l: u32, w: u32, lid: u32, reg: f32) -> f32 {
#if ${UNIFORM}
  return s[(k * 4u + l + w) & p.mask];
#elif ${LANE}
  return s[(k * 4u * ${WG}u + l * ${WG}u + lid) & p.mask];
#elif ${VEC4}
  return dot(s4[(k * 4u * ${WG}u + l * ${WG}u + lid) & (p.mask / 4u)], vec4<f32>(1.0));
#elif ${SUBGROUP}
  return subgroupShuffle(reg, (lid + l) & 3u);
#else
  return reg + f32(l);
#endif
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var c0 = f32(lid);
  var c1 = c0 + 1.0;
  var c2 = c0 + 2.0;
  var c3 = c0 + 3.0;
  var c4 = c0 + 4.0;
  var c5 = c0 + 5.0;
  var c6 = c0 + 6.0;
  var c7 = c0 + 7.0;
  var c8 = c0 + 8.0;
  var c9 = c0 + 9.0;
  var c10 = c0 + 10.0;
  var c11 = c0 + 11.0;
  var c12 = c0 + 12.0;
  var c13 = c0 + 13.0;
  var c14 = c0 + 14.0;
  var c15 = c0 + 15.0;
  for (var k = 0u; k < p.iters; k = k + 1u) {
    let reg = f32(k + lid) * 1e-9;
    let x0 = fetch(k, 0u, wid.x, lid, reg);
#if ${FOUR}
    let x1 = fetch(k, 1u, wid.x, lid, reg);
    let x2 = fetch(k, 2u, wid.x, lid, reg);
    let x3 = fetch(k, 3u, wid.x, lid, reg);
#else
    let x1 = x0;
    let x2 = x0;
    let x3 = x0;
#endif
    c0 = fma(c0, 0.99999, x0);
    c1 = fma(c1, 0.99999, x1);
    c2 = fma(c2, 0.99999, x2);
    c3 = fma(c3, 0.99999, x3);
    c4 = fma(c4, 0.99999, x0);
    c5 = fma(c5, 0.99999, x1);
    c6 = fma(c6, 0.99999, x2);
    c7 = fma(c7, 0.99999, x3);
    c8 = fma(c8, 0.99999, x0);
    c9 = fma(c9, 0.99999, x1);
    c10 = fma(c10, 0.99999, x2);
    c11 = fma(c11, 0.99999, x3);
    c12 = fma(c12, 0.99999, x0);
    c13 = fma(c13, 0.99999, x1);
    c14 = fma(c14, 0.99999, x2);
    c15 = fma(c15, 0.99999, x3);
  }
  out[wid.x * ${WG}u + lid] = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15;
}
