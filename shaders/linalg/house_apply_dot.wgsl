// Back-transformation of eigenvectors, reflector k, part 1: y[b, j] = tau_k sum_{i > k} v_i z[b, i, j]
// (v = row k of vs, v[k+1] = 1). One invocation per (matrix, column).

struct Params {
  n: u32,
  k: u32,
  total: u32,  // batch * n
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> vs: array<f32>;
@group(0) @binding(2) var<storage, read> tau: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let k = p.k;
  let b = g / n;
  let j = g % n;
  let vrow = b * n * n + k * n;
  var s0 = 0.0;
  var s1 = 0.0;
  var i = k + 1u;
  for (; i + 1u < n; i = i + 2u) {
    s0 = s0 + vs[vrow + i] * z[b * n * n + i * n + j];
    s1 = s1 + vs[vrow + i + 1u] * z[b * n * n + (i + 1u) * n + j];
  }
  if (i < n) { s0 = s0 + vs[vrow + i] * z[b * n * n + i * n + j]; }
  y[g] = tau[b * n + k] * (s0 + s1);
}
