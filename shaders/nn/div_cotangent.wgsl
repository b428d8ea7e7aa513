// Cotangents for the divergence of the score by reverse-mode passes.
// EXACT: rows are (sample b, coordinate i) pairs, row b d + i gets rs[row] e_i, so one backward
//        pass over the replicated batch gives the d Jacobian rows of every sample.
// else (Hutchinson-Skilling): row b gets rs[b] v[b] with v a Rademacher probe.
// rs is the per-row output scale, so the pass differentiates s = rs * net(x).
struct Params {
  rows: u32,
  d: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> rs: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> ct: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (e >= p.rows * p.d) { return; }
  let r = e / p.d;
  let j = e % p.d;
#if ${EXACT}
  ct[e] = select(0.0, rs[r], r % p.d == j);
#else
  ct[e] = rs[r] * v[e];
#endif
}
