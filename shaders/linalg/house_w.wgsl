// Householder tridiagonalisation, step k, part 3 (one workgroup per matrix):
// w = q - (tau / 2) (q . v) v, so that the trailing update is A22 <- A22 - v w^T - w v^T.

struct Params {
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> vs: array<f32>;
@group(0) @binding(2) var<storage, read> tau: array<f32>;
@group(0) @binding(3) var<storage, read> q: array<f32>;
@group(0) @binding(4) var<storage, read_write> w: array<f32>;

var<workgroup> red: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  let n = p.n;
  let k = p.k;
  let vrow = b * n * n + k * n;
  var s = 0.0;
  for (var i = k + 1u + lid; i < n; i = i + ${WG}u) {
    s = s + q[b * n + i] * vs[vrow + i];
  }
  red[lid] = s;
  workgroupBarrier();
  for (var h = ${WG}u / 2u; h > 0u; h = h / 2u) {
    if (lid < h) { red[lid] = red[lid] + red[lid + h]; }
    workgroupBarrier();
  }
  let kk = 0.5 * tau[b * n + k] * red[0];
  for (var i = k + 1u + lid; i < n; i = i + ${WG}u) {
    w[b * n + i] = q[b * n + i] - kk * vs[vrow + i];
  }
}
