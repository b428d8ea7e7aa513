// out = f(a, b) elementwise, with numpy broadcasting through per-operand stride tables
// (stride 0 on broadcast dimensions). The contiguous same-shape case skips the index math and
// handles 4 elements per invocation (fewer invocations pays on CPU drivers).
#if ${F16}
enable f16;
#endif

struct Params {
  n: u32,
  rank: u32,
  _pad0: u32,
  _pad1: u32,
  out_shape: array<vec4<u32>, 2>,
  a_strides: array<vec4<u32>, 2>,
  b_strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<${T}>;
@group(0) @binding(2) var<storage, read> b: array<${T}>;
@group(0) @binding(3) var<storage, read_write> out: array<${T}>;

fn apply(x: ${T}, y: ${T}) -> ${T} {
  return ${EXPR};
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
#if ${BROADCAST}
  if (t >= p.n) { return; }
  var rem = t;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d = d - 1) {
    let s = p.out_shape[d / 4][d % 4];
    let c = rem % s;
    rem = rem / s;
    ia = ia + c * p.a_strides[d / 4][d % 4];
    ib = ib + c * p.b_strides[d / 4][d % 4];
  }
  out[t] = apply(a[ia], b[ib]);
#else
  let base = t * 4u;
  if (base + 3u < p.n) {
    out[base] = apply(a[base], b[base]);
    out[base + 1u] = apply(a[base + 1u], b[base + 1u]);
    out[base + 2u] = apply(a[base + 2u], b[base + 2u]);
    out[base + 3u] = apply(a[base + 3u], b[base + 3u]);
  } else {
    for (var i = base; i < p.n; i = i + 1u) {
      out[i] = apply(a[i], b[i]);
    }
  }
#endif
}
