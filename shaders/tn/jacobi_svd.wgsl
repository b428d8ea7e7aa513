// One-sided Jacobi SVD (Hestenes) of a small matrix, in ONE workgroup: the TT-SVD unfoldings
// have few columns (a bond dimension times a site dimension), so one workgroup suffices and
// the sweeps need only workgroup barriers. W starts as A (rows x cols, read through strides)
// and V as the identity; each rotation orthogonalises a column pair of W and is applied to V,
// so W = A V stays exact up to rounding and, at convergence, the columns of W are U * sigma.
// Pairs follow a round-robin tournament: each round touches every column once, so the
// ceil(cols/2) rotations of a round are independent and run in parallel lanes.
// Stops when a sweep makes no rotation (|w_p . w_q| <= tol * |w_p| |w_q| for all pairs) or
// after max_sweeps. Writes sig[j] = |W[:, j]| and sig[cols] = the number of sweeps run.
struct Params {
  rows: u32,
  cols: u32,
  src_off: u32,
  src_rs: u32,
  src_cs: u32,
  max_sweeps: u32,
  tol: f32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> sig: array<f32>;

var<workgroup> rotated: atomic<u32>;
var<workgroup> rot_total: u32;

// Player at seat k in round r of the circle method: seat 0 stays, the others rotate.
fn seat(k: u32, r: u32, n2: u32) -> u32 {
  if (k == 0u) { return 0u; }
  return ((k - 1u + r) % (n2 - 1u)) + 1u;
}

@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) lid: u32) {
  let rows = p.rows;
  let cols = p.cols;
  for (var i = lid; i < rows * cols; i = i + ${WG}u) {
    let r = i / cols;
    let c = i % cols;
    w[i] = src[p.src_off + r * p.src_rs + c * p.src_cs];
  }
  for (var i = lid; i < cols * cols; i = i + ${WG}u) {
    v[i] = select(0.0, 1.0, i / cols == i % cols);
  }
  storageBarrier();
  workgroupBarrier();
  let n2 = cols + (cols & 1u);
  var sweeps = 0u;
  for (var sweep = 0u; sweep < p.max_sweeps; sweep = sweep + 1u) {
    if (lid == 0u) { atomicStore(&rotated, 0u); }
    workgroupBarrier();
    sweeps = sweeps + 1u;
    for (var round = 0u; round + 1u < n2; round = round + 1u) {
      for (var slot = lid; slot < n2 / 2u; slot = slot + ${WG}u) {
        let s0 = seat(slot, round, n2);
        let s1 = seat(n2 - 1u - slot, round, n2);
        let pc = min(s0, s1);
        let qc = max(s0, s1);
        if (qc < cols) {
          var alpha = 0.0;
          var beta = 0.0;
          var gamma = 0.0;
          for (var i = 0u; i < rows; i = i + 1u) {
            let wp = w[i * cols + pc];
            let wq = w[i * cols + qc];
            alpha = fma(wp, wp, alpha);
            beta = fma(wq, wq, beta);
            gamma = fma(wp, wq, gamma);
          }
          if (abs(gamma) > p.tol * sqrt(alpha) * sqrt(beta)) {
            let zeta = (beta - alpha) / (2.0 * gamma);
            let sgn = select(1.0, -1.0, zeta < 0.0);
            // t = tan(theta), the smaller root of t^2 + 2 zeta t - 1 = 0; 1/(2 zeta) when zeta^2 would overflow.
            var t = sgn / (abs(zeta) + sqrt(1.0 + zeta * zeta));
            if (abs(zeta) > 1e18) { t = 0.5 / zeta; }
            let c = 1.0 / sqrt(1.0 + t * t);
            let s = c * t;
            for (var i = 0u; i < rows; i = i + 1u) {
              let wp = w[i * cols + pc];
              let wq = w[i * cols + qc];
              w[i * cols + pc] = c * wp - s * wq;
              w[i * cols + qc] = s * wp + c * wq;
            }
            for (var i = 0u; i < cols; i = i + 1u) {
              let vp = v[i * cols + pc];
              let vq = v[i * cols + qc];
              v[i * cols + pc] = c * vp - s * vq;
              v[i * cols + qc] = s * vp + c * vq;
            }
            atomicAdd(&rotated, 1u);
          }
        }
      }
      storageBarrier();
      workgroupBarrier();
    }
    if (lid == 0u) { rot_total = atomicLoad(&rotated); }
    let total = workgroupUniformLoad(&rot_total);
    if (total == 0u) { break; }
  }
  storageBarrier();
  workgroupBarrier();
  for (var j = lid; j < cols; j = j + ${WG}u) {
    var s2 = 0.0;
    for (var i = 0u; i < rows; i = i + 1u) {
      let x = w[i * cols + j];
      s2 = fma(x, x, s2);
    }
    sig[j] = sqrt(s2);
  }
  if (lid == 0u) { sig[cols] = f32(sweeps); }
}
