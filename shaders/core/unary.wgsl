// out = f(x) elementwise; 4 elements per invocation.
#if ${F16}
enable f16;
#endif

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<${T}>;
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;

fn apply(v: ${T}) -> ${T} {
  let alpha = ${T}(p.alpha);
  return ${EXPR};
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = t * 4u;
  if (base + 3u < p.n) {
    out[base] = apply(x[base]);
    out[base + 1u] = apply(x[base + 1u]);
    out[base + 2u] = apply(x[base + 2u]);
    out[base + 3u] = apply(x[base + 3u]);
  } else {
    for (var i = base; i < p.n; i = i + 1u) {
      out[i] = apply(x[i]);
    }
  }
}
