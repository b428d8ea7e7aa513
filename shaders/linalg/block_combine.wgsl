// Column-wise combination of a stack of blocks V (block i at offset i * stride, [n, b]) with coefficients H [*, b]:
//   SUB:  out[r, q] -= sum_{i < m} V[i, r, q] * H[h0 + i, q]   (Gram-Schmidt against a basis)
//   else: out[r, q]  = sum_{i < m} V[i, r, q] * H[h0 + i, q]   (Krylov solution V y)
// One invocation per element of out [n, b]; each reads its own element only, so in place is safe.
struct Params {
  n: u32,
  b: u32,
  m: u32,
  h0: u32,
  stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let nb = p.n * p.b;
  if (t >= nb) { return; }
  let q = t % p.b;
  var acc = 0.0;
  for (var i = 0u; i < p.m; i = i + 1u) {
    acc = acc + v[i * p.stride + t] * h[(p.h0 + i) * p.b + q];
  }
#if ${SUB}
  out[t] = out[t] - acc;
#else
  out[t] = acc;
#endif
}
