// Per-matrix input statistics for the dense linear-algebra ops, one workgroup per matrix of a
// [b, n, n] batch: out[b] = (non-finite count, max |a_ij|, max |a_ij - a_ji|, sum_i max_j... 1-norm).
// The 1-norm (max column sum of |a_ij|) picks expm's degree and scaling; the other three let
// eigh and expm refuse NaN/Inf or clearly non-symmetric input without reading the matrix back.
// Non-finite values are found from the bits (exponent all ones), which no compiler may fold away.

struct Params {
  n: u32,
  batch: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;

var<workgroup> s_bad: array<f32, ${WG}>;
var<workgroup> s_max: array<f32, ${WG}>;
var<workgroup> s_asym: array<f32, ${WG}>;
var<workgroup> s_norm1: array<f32, ${WG}>;

fn finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  if (b >= p.batch) { return; }
  let n = p.n;
  let base = b * n * n;
  var bad = 0.0;
  var mx = 0.0;
  var asym = 0.0;
  var norm1 = 0.0;
  // Thread lid owns columns lid, lid + WG, ...: it sums whole columns for the 1-norm and
  // compares a_ij with a_ji for its columns.
  for (var j = lid; j < n; j = j + ${WG}u) {
    var col = 0.0;
    for (var i = 0u; i < n; i = i + 1u) {
      let x = a[base + i * n + j];
      if (!finite(x)) {
        bad = bad + 1.0;
      } else {
        let ax = abs(x);
        mx = max(mx, ax);
        col = col + ax;
        let y = a[base + j * n + i];
        if (finite(y)) { asym = max(asym, abs(x - y)); }
      }
    }
    norm1 = max(norm1, col);
  }
  s_bad[lid] = bad;
  s_max[lid] = mx;
  s_asym[lid] = asym;
  s_norm1[lid] = norm1;
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) {
      s_bad[lid] = s_bad[lid] + s_bad[lid + s];
      s_max[lid] = max(s_max[lid], s_max[lid + s]);
      s_asym[lid] = max(s_asym[lid], s_asym[lid + s]);
      s_norm1[lid] = max(s_norm1[lid], s_norm1[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[b] = vec4<f32>(s_bad[0], s_max[0], s_asym[0], s_norm1[0]);
  }
}
