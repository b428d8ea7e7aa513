// Eigenvalues of a batch of symmetric tridiagonal matrices (diagonal d, subdiagonal e) by
// bisection on Sturm counts, one invocation per (matrix, index): the invocation for index r
// finds the (r+1)-th smallest eigenvalue, so the output is sorted ascending by construction.
//
// count(x) = number of negative pivots of T - x I = number of eigenvalues below x, from
// q_0 = d_0 - x, q_i = (d_i - x) - e_{i-1}^2 / q_{i-1}; a pivot smaller than pivmin is replaced
// by -pivmin (Kahan; LAPACK dstebz). The computed count is exact for a T whose entries are
// perturbed by a few ulps, so each eigenvalue is found to a few ulps of ||T|| at worst, and to
// a few ulps of itself where the tridiagonal form determines it that well.
// Bisection starts from the Gershgorin interval and stops when the interval is two ulps wide
// (or below 2^-60 ||T||, so zero eigenvalues terminate), or after ITERS halvings.

struct Params {
  n: u32,
  total: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> d: array<f32>;
@group(0) @binding(2) var<storage, read> e: array<f32>;
@group(0) @binding(3) var<storage, read_write> values: array<f32>;

const ITERS: u32 = 160u;

fn sturm(base: u32, x: f32, pivmin: f32) -> u32 {
  var c = 0u;
  var q = d[base] - x;
  if (abs(q) < pivmin) { q = -pivmin; }
  if (q < 0.0) { c = 1u; }
  for (var i = 1u; i < p.n; i = i + 1u) {
    let ei = e[base + i - 1u];
    q = (d[base + i] - x) - (ei * ei) / q;
    if (abs(q) < pivmin) { q = -pivmin; }
    if (q < 0.0) { c = c + 1u; }
  }
  return c;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let b = g / n;
  let r = g % n;
  let base = b * n;
  var lo = 3.0e38;
  var hi = -3.0e38;
  var emax2 = 0.0;
  for (var i = 0u; i < n; i = i + 1u) {
    var rad = 0.0;
    if (i > 0u) { rad = rad + abs(e[base + i - 1u]); }
    if (i + 1u < n) {
      let ei = e[base + i];
      rad = rad + abs(ei);
      emax2 = max(emax2, ei * ei);
    }
    lo = min(lo, d[base + i] - rad);
    hi = max(hi, d[base + i] + rad);
  }
  let tnorm = max(abs(lo), abs(hi));
  let pivmin = 1.0e-30 * max(1.0, emax2);
  // Widen so that count(lo) = 0 and count(hi) = n despite rounding in the counts.
  lo = lo - 4.0 * 1.2e-7 * tnorm - pivmin;
  hi = hi + 4.0 * 1.2e-7 * tnorm + pivmin;
  let abstol = tnorm * 8.7e-19; // 2^-60 ||T||
  for (var it = 0u; it < ITERS; it = it + 1u) {
    let mid = 0.5 * lo + 0.5 * hi;
    if (hi - lo <= max(abstol, 1.2e-7 * max(abs(lo), abs(hi))) || mid <= lo || mid >= hi) { break; }
    if (sturm(base, mid, pivmin) > r) { hi = mid; } else { lo = mid; }
  }
  values[g] = 0.5 * lo + 0.5 * hi;
}
