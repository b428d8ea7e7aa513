// Moves eigenvectors to their sorted columns: out[b, r, perm[b, i]] = vt[b, i, r], where
// vt = V^T as the Jacobi kernels keep it (row i is eigenvector i). One invocation per element.

struct Params {
  n: u32,
  total: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> perm: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.total) { return; }
  let n = p.n;
  let b = t / (n * n);
  let i = (t / n) % n;
  let r = t % n;
  out[b * n * n + r * n + perm[b * n + i]] = v[t];
}
