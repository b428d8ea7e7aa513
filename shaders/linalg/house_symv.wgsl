// Householder tridiagonalisation, step k, part 2: q = tau * A22 v over the trailing block
// (rows and columns k+1..n-1), one invocation per (matrix, row). Rows are read contiguously.

struct Params {
  n: u32,
  k: u32,
  rows: u32,   // n - k - 1
  total: u32,  // batch * rows
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> vs: array<f32>;
@group(0) @binding(3) var<storage, read> tau: array<f32>;
@group(0) @binding(4) var<storage, read_write> q: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let k = p.k;
  let b = g / p.rows;
  let i = k + 1u + g % p.rows;
  let row = b * n * n + i * n;
  let vrow = b * n * n + k * n;
  // Four partial sums: shorter dependency chains and a smaller rounding depth.
  var s0 = 0.0;
  var s1 = 0.0;
  var s2 = 0.0;
  var s3 = 0.0;
  var j = k + 1u;
  for (; j + 3u < n; j = j + 4u) {
    s0 = s0 + a[row + j] * vs[vrow + j];
    s1 = s1 + a[row + j + 1u] * vs[vrow + j + 1u];
    s2 = s2 + a[row + j + 2u] * vs[vrow + j + 2u];
    s3 = s3 + a[row + j + 3u] * vs[vrow + j + 3u];
  }
  for (; j < n; j = j + 1u) {
    s0 = s0 + a[row + j] * vs[vrow + j];
  }
  q[b * n + i] = tau[b * n + k] * ((s0 + s1) + (s2 + s3));
}
