// Eigenvectors of a batch of symmetric tridiagonal matrices (d, e) for eigenvalues already
// found by bisection (sorted ascending), by inverse iteration (as LAPACK dstein).
//
// Eigenvalues closer than ORTOL = 1e-3 ||T|| to their neighbour form a cluster; one invocation
// per (matrix, cluster) handles its members in order, so members can be orthogonalised against
// each other (modified Gram-Schmidt after every solve); clusters run in parallel. Inside a
// cluster, coincident eigenvalues are separated by 10 u ||T|| so each solve is well defined.
// Each solve factors T - lambda I by Gaussian elimination with partial pivoting (U has two
// superdiagonals), with zero pivots replaced by u ||T||, and back-substitutes with rescaling
// so nothing overflows. Three iterations from a pseudo-random start: a solve with a shift
// within O(u ||T||) of lambda amplifies the wanted direction by ~1/u over directions more than
// ORTOL away. Output: z[b, i, r] = component i of the unit eigenvector of values[b, r].

struct Params {
  n: u32,
  total: u32,   // batch * n
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> d: array<f32>;
@group(0) @binding(2) var<storage, read> e: array<f32>;
@group(0) @binding(3) var<storage, read> values: array<f32>;
@group(0) @binding(4) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(5) var<storage, read_write> z: array<f32>;

const U: f32 = 5.9604645e-8;
const ITERS: u32 = 3u;

fn hash01(x: u32) -> f32 {
  var h = x * 747796405u + 2891336453u;
  h = ((h >> ((h >> 28u) + 4u)) ^ h) * 277803737u;
  h = (h >> 22u) ^ h;
  return f32(h) * 2.3283064e-10;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (g >= p.total) { return; }
  let n = p.n;
  let b = g / n;
  let j = g % n;
  let vb = b * n;
  var tnorm = 0.0;
  for (var i = 0u; i < n; i = i + 1u) {
    var r = abs(d[vb + i]);
    if (i > 0u) { r = r + abs(e[vb + i - 1u]); }
    if (i + 1u < n) { r = r + abs(e[vb + i]); }
    tnorm = max(tnorm, r);
  }
  let ortol = 1e-3 * tnorm;
  if (j > 0u && values[vb + j] - values[vb + j - 1u] <= ortol) { return; } // not a cluster start
  var last = j;
  while (last + 1u < n && values[vb + last + 1u] - values[vb + last] <= ortol) { last = last + 1u; }
  let tiny = max(U * tnorm, 1e-30);
  let pertol = 10.0 * U * tnorm;
  // scratch layout for this invocation: u0, u1, u2, l, piv, x (n each)
  let s0 = g * 6u * n;
  let su1 = s0 + n;
  let su2 = s0 + 2u * n;
  let sl = s0 + 3u * n;
  let sp = s0 + 4u * n;
  let sx = s0 + 5u * n;
  let zb = b * n * n;
  var lamprev = 0.0;
  for (var r = j; r <= last; r = r + 1u) {
    var lam = values[vb + r];
    if (r > j && lam - lamprev < pertol) { lam = lamprev + pertol; }
    lamprev = lam;
    // LU with partial pivoting of T - lam I
    var a = d[vb] - lam;      // current pivot-row diagonal
    var bsup = 0.0;           // current pivot-row first superdiagonal
    if (n > 1u) { bsup = e[vb]; }
    for (var i = 0u; i + 1u < n; i = i + 1u) {
      let c = e[vb + i];                 // subdiagonal entry of row i + 1
      let dn = d[vb + i + 1u] - lam;
      var en = 0.0;
      if (i + 2u < n) { en = e[vb + i + 1u]; }
      if (abs(a) >= abs(c)) {
        var piv = a;
        if (piv == 0.0) { piv = tiny; }
        let l = c / piv;
        scratch[s0 + i] = piv;
        scratch[su1 + i] = bsup;
        scratch[su2 + i] = 0.0;
        scratch[sl + i] = l;
        scratch[sp + i] = 0.0;
        a = dn - l * bsup;
        bsup = en;
      } else {
        let l = a / c;
        scratch[s0 + i] = c;
        scratch[su1 + i] = dn;
        scratch[su2 + i] = en;
        scratch[sl + i] = l;
        scratch[sp + i] = 1.0;
        a = bsup - l * dn;
        bsup = -l * en;
      }
    }
    if (a == 0.0) { a = tiny; }
    scratch[s0 + n - 1u] = a;
    scratch[su1 + n - 1u] = 0.0;
    scratch[su2 + n - 1u] = 0.0;
    // start vector
    for (var i = 0u; i < n; i = i + 1u) {
      scratch[sx + i] = 0.5 + hash01(i * 7919u + r * 104729u + b);
    }
    for (var it = 0u; it < ITERS; it = it + 1u) {
      // forward: apply the row swaps and multipliers
      for (var i = 0u; i + 1u < n; i = i + 1u) {
        var xi = scratch[sx + i];
        var xn = scratch[sx + i + 1u];
        if (scratch[sp + i] != 0.0) {
          let t = xi;
          xi = xn;
          xn = t;
          scratch[sx + i] = xi;
        }
        scratch[sx + i + 1u] = xn - scratch[sl + i] * xi;
      }
      // back substitution with rescaling against overflow
      var i = i32(n) - 1;
      loop {
        if (i < 0) { break; }
        let ui = u32(i);
        var s = scratch[sx + ui];
        if (ui + 1u < n) { s = s - scratch[su1 + ui] * scratch[sx + ui + 1u]; }
        if (ui + 2u < n) { s = s - scratch[su2 + ui] * scratch[sx + ui + 2u]; }
        var xi = s / scratch[s0 + ui];
        if (abs(xi) > 1e18) {
          let f = 1.0 / abs(xi);
          for (var k = 0u; k < n; k = k + 1u) { scratch[sx + k] = scratch[sx + k] * f; }
          xi = xi * f;
        }
        scratch[sx + ui] = xi;
        i = i - 1;
      }
      // orthogonalise against earlier members of the cluster (modified Gram-Schmidt)
      for (var q = j; q < r; q = q + 1u) {
        var dot = 0.0;
        for (var k = 0u; k < n; k = k + 1u) { dot = dot + z[zb + k * n + q] * scratch[sx + k]; }
        for (var k = 0u; k < n; k = k + 1u) { scratch[sx + k] = scratch[sx + k] - dot * z[zb + k * n + q]; }
      }
      // normalise: scale by the largest entry first, so the sum of squares cannot overflow
      var mx = 0.0;
      for (var k = 0u; k < n; k = k + 1u) { mx = max(mx, abs(scratch[sx + k])); }
      if (mx == 0.0) {
        for (var k = 0u; k < n; k = k + 1u) { scratch[sx + k] = hash01(k + 31u * r + it); }
        mx = 1.0;
      }
      var ss = 0.0;
      for (var k = 0u; k < n; k = k + 1u) {
        let y = scratch[sx + k] / mx;
        scratch[sx + k] = y;
        ss = ss + y * y;
      }
      let inv = 1.0 / sqrt(ss);
      for (var k = 0u; k < n; k = k + 1u) { scratch[sx + k] = scratch[sx + k] * inv; }
    }
    for (var k = 0u; k < n; k = k + 1u) { z[zb + k * n + r] = scratch[sx + k]; }
  }
}
