// Parallel cyclic Jacobi, step k, part 1: the K = m/2 rotations of the step for every matrix
// of the batch, one invocation per (matrix, pair), written to rot[b, slot] = (c, s, t, rotated).
//
// Round-robin (chess-tournament) ordering: with m = n rounded up to even, step k pairs the
// indices into K disjoint pairs; slot 0 is (m - 1, k) and slot t > 0 is
// ((k + t) mod (m - 1), (k - t) mod (m - 1)). The m - 1 steps of a sweep meet every pair once.
// Index m - 1 = n is a dummy when n is odd: its pair does nothing.
//
// Rotation (Golub & Van Loan, Alg. 8.5.1 sym.schur2): theta = (a_qq - a_pp) / (2 a_pq),
// t = sign(theta) / (|theta| + sqrt(1 + theta^2)), c = 1 / sqrt(1 + t^2), s = t c, so that
// J^T A J (J = I except J_pp = J_qq = c, J_pq = s, J_qp = -s) has a'_pq = 0,
// a'_pp = a_pp - t a_pq, a'_qq = a_qq + t a_pq. The pair is skipped when
// |a_pq| <= tol sqrt(|a_pp|) sqrt(|a_qq|) (Demmel & Veselic's test: keeps the high relative
// accuracy of small eigenvalues) or |a_pq| is below the underflow floor. Each rotation adds one
// to counts[sweep]; a sweep with no rotation means convergence.

struct Params {
  n: u32,
  m: u32,
  kp: u32,      // pairs per step, m / 2
  step: u32,    // k in [0, m - 1)
  total: u32,   // batch * kp
  slot: u32,    // counts[] entry of this sweep
  tol: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> rot: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

// Below this |a_pq| a rotation changes nothing representable in a matrix of normal floats.
const FLOOR: f32 = 1e-36;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let b = g / p.kp;
  let slot = g % p.kp;
  let mm1 = p.m - 1u;
  var x: u32;
  var y: u32;
  if (slot == 0u) {
    x = mm1;
    y = p.step;
  } else {
    x = (p.step + slot) % mm1;
    y = (p.step + mm1 - slot) % mm1;
  }
  let pp = min(x, y);
  let qq = max(x, y);
  var r = vec4<f32>(1.0, 0.0, 0.0, 0.0);
  if (qq < n) {
    let base = b * n * n;
    let apq = a[base + pp * n + qq];
    let app = a[base + pp * n + pp];
    let aqq = a[base + qq * n + qq];
    let big = abs(apq);
    if (big > p.tol * sqrt(abs(app)) * sqrt(abs(aqq)) && big >= FLOOR) {
      let theta = (aqq - app) / (2.0 * apq);
      var t: f32;
      if (abs(theta) > 1e18) {
        t = 0.5 / theta; // 1 + theta^2 would overflow; t = 1 / (2 theta) to working precision
      } else {
        let sg = select(-1.0, 1.0, theta >= 0.0);
        t = sg / (abs(theta) + sqrt(1.0 + theta * theta));
      }
      let c = 1.0 / sqrt(1.0 + t * t);
      r = vec4<f32>(c, t * c, t, 1.0);
      atomicAdd(&counts[p.slot], 1u);
    }
  }
  rot[g] = r;
}
