// out = f(a, b) elementwise, with numpy broadcasting through per-operand stride tables
// (stride 0 on broadcast dimensions). The contiguous same-shape case skips the index math: a
// workgroup owns PER * WG consecutive elements and invocation lid handles block + k * WG + lid
// (k < PER), so at each k the lanes touch consecutive addresses (vector loads/stores on CPU
// drivers such as lavapipe, which run invocations as SIMD lanes; coalesced on GPUs). Only the
// last block is bounds-checked, so any element count works without a tail kernel. With VEC4
// (same-shape path only) an item is a vec4 of elements: CPU drivers pay per load/store
// instruction and lane, so 16-byte accesses move 4x the data for the same cost. The op binds
// the operands rounded up to whole vec4s (it checks the buffers have room); the last, partial
// vec4 is computed whole but stored component by component, so nothing past n is written.
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

#if ${VEC4}
alias V = vec4<${T}>;
#else
alias V = ${T};
#endif

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<V>;
@group(0) @binding(2) var<storage, read> b: array<V>;
@group(0) @binding(3) var<storage, read_write> out: array<V>;

const WG = ${WG}u;
const PER = ${PER}u;

fn apply(x: V, y: V) -> V {
  return ${EXPR};
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
#if ${BROADCAST}
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * WG + lid;
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
  let block = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * (PER * WG);
#if ${VEC4}
  let items = p.n / 4u;  // whole vec4s
#else
  let items = p.n;
#endif
  if (block + PER * WG <= items) {
    for (var k = 0u; k < PER; k = k + 1u) {
      let i = block + k * WG + lid;
      out[i] = apply(a[i], b[i]);
    }
    return;
  }
  for (var k = 0u; k < PER; k = k + 1u) {
    let i = block + k * WG + lid;
    if (i < items) {
      out[i] = apply(a[i], b[i]);
    }
#if ${VEC4}
    else if (i == items) {
      let r = apply(a[i], b[i]);
      for (var c = 0u; c < p.n % 4u; c = c + 1u) {
        out[i][c] = r[c];
      }
    }
#endif
  }
#endif
}
