// out = f(x) elementwise. A workgroup owns a block of PER * WG consecutive items and
// invocation lid handles items block + k * WG + lid (k < PER), so at each k the lanes touch
// consecutive addresses (coalesced on GPUs; lavapipe runs invocations as SIMD lanes).
// With VEC4 an item is a vec4 of elements: CPU drivers pay per load/store instruction and
// lane, so 16-byte accesses move 4x the data for the same cost. The op then binds x and out
// rounded up to whole vec4s (it checks the buffers have room); the last, partial vec4 is
// computed whole but stored component by component, so nothing past n is written.
// Without VEC4 (buffers without room for the rounding) an item is one element.
#if ${F16}
enable f16;
#endif

struct Params {
  n: u32,        // elements
  alpha: f32,
}

#if ${VEC4}
alias V = vec4<${T}>;
#else
alias V = ${T};
#endif

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<V>;
@group(0) @binding(2) var<storage, read_write> out: array<V>;

const WG = ${WG}u;
const PER = ${PER}u;

fn apply(v: V) -> V {
  let alpha = ${T}(p.alpha);
  return ${EXPR};
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let block = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * (PER * WG);
#if ${VEC4}
  let items = p.n / 4u;  // whole vec4s
#else
  let items = p.n;
#endif
  if (block + PER * WG <= items) {
    for (var k = 0u; k < PER; k = k + 1u) {
      let i = block + k * WG + lid;
      out[i] = apply(x[i]);
    }
    return;
  }
  for (var k = 0u; k < PER; k = k + 1u) {
    let i = block + k * WG + lid;
    if (i < items) {
      out[i] = apply(x[i]);
    }
#if ${VEC4}
    else if (i == items) {
      let r = apply(x[i]);
      for (var c = 0u; c < p.n % 4u; c = c + 1u) {
        out[i][c] = r[c];
      }
    }
#endif
  }
}
