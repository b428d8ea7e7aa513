// Divergence from the input gradients of the cotangent pass (see div_cotangent).
// EXACT: div[b] = sum_i G[b d + i, i] (the Jacobian trace), and the score of sample b is copied
//        from its first replica, s[b] = y[b d].
// else:  div[b] = sum_j G[b, j] v[b, j] (Hutchinson-Skilling, unbiased since E[v v^T] = I), and
//        s = y.
struct Params {
  rows: u32,
  d: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> div: array<f32>;
@group(0) @binding(5) var<storage, read_write> s: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let b = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (b >= p.rows) { return; }
  var acc = 0.0;
  for (var i = 0u; i < p.d; i = i + 1u) {
#if ${EXACT}
    acc = acc + g[(b * p.d + i) * p.d + i];
    s[b * p.d + i] = y[b * p.d * p.d + i];
#else
    acc = acc + g[b * p.d + i] * v[b * p.d + i];
    s[b * p.d + i] = y[b * p.d + i];
#endif
  }
  div[b] = acc;
}
