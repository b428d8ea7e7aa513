// Back-transformation of eigenvectors, reflector k, part 2: z[b, i, j] -= v_i y[b, j] for i > k,
// i.e. Z <- H_k Z with H_k = I - tau v v^T. One invocation per (matrix, row > k, 4 columns).

struct Params {
  n: u32,
  k: u32,
  rows: u32,     // n - k - 1
  cblocks: u32,  // ceil(n / 4)
  total: u32,    // batch * rows * cblocks
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> vs: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> z: array<f32>;

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
  let j0 = (r % p.cblocks) * 4u;
  let vi = vs[b * n * n + k * n + i];
  let row = b * n * n + i * n;
  let j1 = min(j0 + 4u, n);
  for (var j = j0; j < j1; j = j + 1u) {
    z[row + j] = z[row + j] - vi * y[b * n + j];
  }
}
