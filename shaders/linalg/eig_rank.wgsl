// Sorts the eigenvalues of each matrix ascending: rank_i = #{j : d_j < d_i, or d_j = d_i and
// j < i} (a stable counting sort, O(n) per invocation), values[rank_i] = d_i, perm[i] = rank_i.
// d_i is the diagonal of the converged Jacobi matrix. One invocation per (matrix, i).

struct Params {
  n: u32,
  total: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;
@group(0) @binding(3) var<storage, read_write> perm: array<u32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.total) { return; }
  let n = p.n;
  let b = t / n;
  let i = t % n;
  let base = b * n * n;
  let di = a[base + i * n + i];
  var rank = 0u;
  for (var j = 0u; j < n; j = j + 1u) {
    let dj = a[base + j * n + j];
    if (dj < di || (dj == di && j < i)) { rank = rank + 1u; }
  }
  values[b * n + rank] = di;
  perm[t] = rank;
}
