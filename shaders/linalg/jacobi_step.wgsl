// Parallel cyclic Jacobi, step k, part 2: applies the step's K disjoint rotations (from
// jacobi_rot.wgsl, same pairing) to A and, when wanted, to the eigenvectors.
//
// Disjoint rotations make A' = J^T A J split into independent 2x2 blocks:
// A'[P, Q] = J_P^T A[P, Q] J_Q. One invocation per (matrix, P <= Q) reads and writes only its
// block and the transposed block (blocks P > Q get no invocation), so the update is in place
// and A stays exactly symmetric.
// Diagonal blocks use a'_pp = a_pp - t a_pq, a'_qq = a_qq + t a_pq, a'_pq = 0 (the accurate
// form). Eigenvector invocations apply V' = V J in place (on V^T, see below).

struct Params {
  n: u32,
  m: u32,
  kp: u32,
  step: u32,
  nblocks: u32,   // batch * kp (kp + 1) / 2 invocations update A, one per block P <= Q
  nvec: u32,      // batch * kp * ceil(n / 4) invocations update V^T (0 without vectors)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read> rot: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;

fn pair_of(slot: u32) -> vec2<u32> {
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
  return vec2<u32>(min(x, y), max(x, y));
}

fn ld(base: u32, i: u32, j: u32) -> f32 {
  if (i >= p.n || j >= p.n) { return 0.0; }
  return a[base + i * p.n + j];
}

fn st(base: u32, i: u32, j: u32, x: f32) {
  if (i >= p.n || j >= p.n) { return; }
  a[base + i * p.n + j] = x;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let n = p.n;
  let kp = p.kp;
  if (g < p.nblocks) {
    let tri = kp * (kp + 1u) / 2u;
    let b = g / tri;
    let r = g % tri;
    // r enumerates the blocks (P, Q), P <= Q, as Q (Q + 1) / 2 + P; invert with a float
    // square root, then correct by at most one step either way.
    var bq = u32((sqrt(f32(8u * r + 1u)) - 1.0) * 0.5);
    if ((bq + 1u) * (bq + 2u) / 2u <= r) { bq = bq + 1u; }
    if (bq * (bq + 1u) / 2u > r) { bq = bq - 1u; }
    let bp = r - bq * (bq + 1u) / 2u;
    let rp = rot[b * kp + bp];
    let rq = rot[b * kp + bq];
    if (rp.w == 0.0 && rq.w == 0.0) { return; } // identity on this block
    let base = b * n * n;
    let P = pair_of(bp);
    if (bp == bq) {
      let apq = ld(base, P.x, P.y);
      st(base, P.x, P.x, ld(base, P.x, P.x) - rp.z * apq);
      st(base, P.y, P.y, ld(base, P.y, P.y) + rp.z * apq);
      st(base, P.x, P.y, 0.0);
      st(base, P.y, P.x, 0.0);
      return;
    }
    let Q = pair_of(bq);
    let x00 = ld(base, P.x, Q.x);
    let x01 = ld(base, P.x, Q.y);
    let x10 = ld(base, P.y, Q.x);
    let x11 = ld(base, P.y, Q.y);
    // Y = X J_Q
    let y00 = rq.x * x00 - rq.y * x01;
    let y01 = rq.y * x00 + rq.x * x01;
    let y10 = rq.x * x10 - rq.y * x11;
    let y11 = rq.y * x10 + rq.x * x11;
    // Z = J_P^T Y
    let z00 = rp.x * y00 - rp.y * y10;
    let z01 = rp.x * y01 - rp.y * y11;
    let z10 = rp.y * y00 + rp.x * y10;
    let z11 = rp.y * y01 + rp.x * y11;
    st(base, P.x, Q.x, z00);
    st(base, P.x, Q.y, z01);
    st(base, P.y, Q.x, z10);
    st(base, P.y, Q.y, z11);
    st(base, Q.x, P.x, z00);
    st(base, Q.y, P.x, z01);
    st(base, Q.x, P.y, z10);
    st(base, Q.y, P.y, z11);
    return;
  }
  let h = g - p.nblocks;
  if (h >= p.nvec) { return; }
  // Eigenvectors are kept transposed (w = V^T, row r is eigenvector r), so V' = V J is
  // w' = J^T w: two contiguous rows per pair; one invocation per (matrix, pair, 4 columns).
  let cb = (n + 3u) / 4u;
  let b = h / (kp * cb);
  let r = h % (kp * cb);
  let slot = r / cb;
  let j0 = (r % cb) * 4u;
  let rp = rot[b * kp + slot];
  if (rp.w == 0.0) { return; }
  let P = pair_of(slot);
  let rowp = b * n * n + P.x * n;
  let rowq = b * n * n + P.y * n;
  let j1 = min(j0 + 4u, n);
  for (var j = j0; j < j1; j = j + 1u) {
    let vp = v[rowp + j];
    let vq = v[rowq + j];
    v[rowp + j] = rp.x * vp - rp.y * vq;
    v[rowq + j] = rp.y * vp + rp.x * vq;
  }
}
