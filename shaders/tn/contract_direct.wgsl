// General strided contraction, one invocation per output element:
//   out[c] = beta * out[c] + sum over the reduced indices of A[a] (* B[b])
// Every operand is addressed through its own stride table (element strides, 0 where an index
// is absent), so permutations, diagonals (strides added) and traces are read in place. The
// reduced indices are split into an outer part (decomposed per step) and the innermost one
// (a plain strided loop). The serial sum over K terms has error <= K * u * sum |terms|.
// UNARY leaves B out: reductions, traces, diagonals, permuted copies and accumulation.
struct Params {
  n_out: u32,
  out_rank: u32,
  red_rank: u32,
  red_inner: u32,
  n_red_outer: u32,
  a_off: u32,
  b_off: u32,
  c_off: u32,
  a_inner: u32,
  b_inner: u32,
  beta: f32,
  _pad0: u32,
  out_shape: array<vec4<u32>, 2>,
  a_os: array<vec4<u32>, 2>,
  b_os: array<vec4<u32>, 2>,
  c_os: array<vec4<u32>, 2>,
  red_shape: array<vec4<u32>, 2>,
  a_rs: array<vec4<u32>, 2>,
  b_rs: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
#if ${UNARY}
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
#else
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
#endif

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.n_out) { return; }
  var rem = t;
  var ao = p.a_off;
  var bo = p.b_off;
  var co = p.c_off;
  for (var d = i32(p.out_rank) - 1; d >= 0; d = d - 1) {
    let s = p.out_shape[d / 4][d % 4];
    let i = rem % s;
    rem = rem / s;
    ao = ao + i * p.a_os[d / 4][d % 4];
    bo = bo + i * p.b_os[d / 4][d % 4];
    co = co + i * p.c_os[d / 4][d % 4];
  }
  var acc = 0.0;
  for (var r = 0u; r < p.n_red_outer; r = r + 1u) {
    var rr = r;
    var ar = ao;
    var br = bo;
    for (var d = i32(p.red_rank) - 1; d >= 0; d = d - 1) {
      let s = p.red_shape[d / 4][d % 4];
      let i = rr % s;
      rr = rr / s;
      ar = ar + i * p.a_rs[d / 4][d % 4];
      br = br + i * p.b_rs[d / 4][d % 4];
    }
    for (var q = 0u; q < p.red_inner; q = q + 1u) {
#if ${UNARY}
      acc = acc + a[ar];
#else
      acc = fma(a[ar], b[br], acc);
#endif
      ar = ar + p.a_inner;
      br = br + p.b_inner;
    }
  }
  // beta = 0 must not read the (uninitialised) output: 0 * NaN is NaN.
  if (p.beta != 0.0) {
    acc = acc + p.beta * c[co];
  }
  c[co] = acc;
}
