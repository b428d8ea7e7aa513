// out = x with its axes permuted (rank <= 6), as a pure move of bits: 4-byte dtypes (f32, i32,
// u32) travel as u32. Output element o has coordinates c_d in out_shape; it reads
// x[sum_d c_d src_strides[d]], where src_strides[d] is x's stride along axis perm[d]. The op
// first merges axes that stay adjacent, so the rank here is the smallest that describes the move.
// HALF: f16 tensors hold two halves per u32 word (element 2w in the low 16 bits); each
// invocation then builds one whole output word from two gathered halves, so no two invocations
// write the same word. The upper half of a final odd word is written as 0.
struct Params {
  n: u32,      // output elements
  rank: u32,
  words: u32,  // invocations (HALF: output words, ceil(n / 2); else ceil(n / 4))
  _pad: u32,
  out_shape: array<vec4<u32>, 2>,
  src_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn src_index(o: u32) -> u32 {
  var rem = o;
  var s = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d = d - 1) {
    let e = p.out_shape[d / 4][d % 4];
    s = s + (rem % e) * p.src_strides[d / 4][d % 4];
    rem = rem / e;
  }
  return s;
}

#if ${HALF}
fn half_at(i: u32) -> u32 {
  return (x[i >> 1u] >> ((i & 1u) * 16u)) & 0xffffu;
}
#endif

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.words) { return; }
#if ${HALF}
  let o = 2u * t;
  var w = half_at(src_index(o));
  if (o + 1u < p.n) {
    w = w | (half_at(src_index(o + 1u)) << 16u);
  }
  out[t] = w;
#else
  // 4 consecutive outputs per invocation: along the last output axis the source index just
  // steps by that axis' stride, so the full index is recomputed only at the start and on wrap.
  let r = p.rank - 1u;
  let e = p.out_shape[r / 4u][r % 4u];
  let st = p.src_strides[r / 4u][r % 4u];
  let o = 4u * t;
  var s = src_index(o);
  var c = o % e;
  for (var k = 0u; k < 4u; k = k + 1u) {
    if (o + k >= p.n) { break; }
    out[o + k] = x[s];
    c = c + 1u;
    if (c == e) {
      c = 0u;
      s = src_index(o + k + 1u);
    } else {
      s = s + st;
    }
  }
#endif
}
