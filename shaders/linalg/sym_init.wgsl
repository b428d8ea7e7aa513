// Working copy for the symmetric eigensolvers: w = (a + a^T) / 2 (so the solver sees an exactly
// symmetric matrix whatever rounding produced the input), and, when vectors are wanted, v = I.
// One invocation per element of the [b, n, n] batch.

struct Params {
  n: u32,
  total: u32,
  with_v: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.total) { return; }
  let n = p.n;
  let nn = n * n;
  let b = t / nn;
  let r = t % nn;
  let i = r / n;
  let j = r % n;
  let x = a[t];
  let y = a[b * nn + j * n + i];
  w[t] = 0.5 * x + 0.5 * y;
  if (p.with_v != 0u) {
    v[t] = select(0.0, 1.0, i == j);
  }
}
