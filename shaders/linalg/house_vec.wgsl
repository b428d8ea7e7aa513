// Householder tridiagonalisation, step k, part 1 (one workgroup per matrix of the batch):
// builds the reflector H_k = I - tau v v^T that zeroes a[k+2:, k], scaled so v[k+1] = 1
// (then tau = (|x| + |x0|) / |x| lies in [1, 2] and nothing overflows), and records
// d[k] = a[k, k] and e[k] = the new subdiagonal, -sign(x0) |x|. The norm is taken after scaling
// by max |x_i| so it neither overflows nor underflows. When x[1:] is already zero there is no
// reflection (tau = 0, e[k] = x0). Step n - 2 also records d[n - 1].
// v is stored as row k of `vs` ([b, n, n]) for the back-transformation of eigenvectors.

struct Params {
  n: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> vs: array<f32>;
@group(0) @binding(3) var<storage, read_write> tau: array<f32>;
@group(0) @binding(4) var<storage, read_write> d: array<f32>;
@group(0) @binding(5) var<storage, read_write> e: array<f32>;

var<workgroup> red: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  let n = p.n;
  let k = p.k;
  let base = b * n * n;
  let x0 = a[base + (k + 1u) * n + k];
  // max |x_i| over i >= k + 2
  var mx = 0.0;
  for (var i = k + 2u + lid; i < n; i = i + ${WG}u) {
    mx = max(mx, abs(a[base + i * n + k]));
  }
  red[lid] = mx;
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let scale = max(red[0], abs(x0));
  let tailmax = red[0];
  workgroupBarrier();
  var ss = 0.0;
  if (tailmax > 0.0) {
    for (var i = k + 2u + lid; i < n; i = i + ${WG}u) {
      let y = a[base + i * n + k] / scale;
      ss = ss + y * y;
    }
  }
  red[lid] = ss;
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let sigma = red[0];
  let reflect = tailmax > 0.0;
  var xnorm = abs(x0);
  var v0 = 1.0;
  var t = 0.0;
  if (reflect) {
    let y0 = x0 / scale;
    xnorm = scale * sqrt(y0 * y0 + sigma);
    let sg = select(-1.0, 1.0, x0 >= 0.0);
    v0 = sg * (xnorm + abs(x0));
    t = (xnorm + abs(x0)) / xnorm;
  }
  for (var i = lid; i < n; i = i + ${WG}u) {
    var vi = 0.0;
    if (reflect) {
      if (i == k + 1u) { vi = 1.0; } else if (i > k + 1u) { vi = a[base + i * n + k] / v0; }
    }
    vs[base + k * n + i] = vi;
  }
  if (lid == 0u) {
    tau[b * n + k] = t;
    d[b * n + k] = a[base + k * n + k];
    if (reflect) {
      e[b * n + k] = -select(-1.0, 1.0, x0 >= 0.0) * xnorm;
    } else {
      e[b * n + k] = x0;
    }
    if (k + 2u == n) {
      d[b * n + k + 1u] = a[base + (k + 1u) * n + k + 1u];
    }
  }
}
