// Householder tridiagonalisation, step k, part 4: A22 <- A22 - v w^T - w v^T over rows and
// columns k+1..n-1. One invocation per (matrix, row, 4 consecutive columns): contiguous row
// reads and writes, 4x fewer invocations (which is what costs on CPU drivers).

struct Params {
  n: u32,
  k: u32,
  rows: u32,   // n - k - 1
  cblocks: u32, // ceil(rows / 4)
  total: u32,  // batch * rows * cblocks
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read> vs: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let k = p.k;
  let per = p.rows * p.cblocks;
  let b = g / per;
  let r = g % per;
  let i = k + 1u + r / p.cblocks;
  let j0 = k + 1u + (r % p.cblocks) * 4u;
  let vrow = b * n * n + k * n;
  let vi = vs[vrow + i];
  let wi = w[b * n + i];
  let row = b * n * n + i * n;
  let j1 = min(j0 + 4u, n);
  for (var j = j0; j < j1; j = j + 1u) {
    a[row + j] = a[row + j] - (vi * w[b * n + j] + wi * vs[vrow + j]);
  }
}
