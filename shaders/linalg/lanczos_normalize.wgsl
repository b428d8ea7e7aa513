// End of a block Lanczos step: v_next[:, q] = w[:, q] / beta_q with beta_q = sqrt(nrm2[q]), and
// (when RECORD) the invocations of row 0 store the step's coefficients for the host:
//   hist[(2j) b + q] = alpha_j = h1[j, q] + h2[j, q]   (both Gram-Schmidt passes)
//   hist[(2j+1) b + q] = beta_{j+1}
// A zero column (Krylov space exhausted, or a zero start vector) stays zero instead of NaN; the
// host cuts each probe's tridiagonal at its first negligible beta.
struct Params {
  n: u32,
  b: u32,
  j: u32,
  record: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> nrm2: array<f32>;
@group(0) @binding(3) var<storage, read> h1: array<f32>;
@group(0) @binding(4) var<storage, read> h2: array<f32>;
@group(0) @binding(5) var<storage, read_write> v_next: array<f32>;
@group(0) @binding(6) var<storage, read_write> hist: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.n * p.b) { return; }
  let q = t % p.b;
  let beta = sqrt(max(nrm2[q], 0.0));
  // 1e-30: below it 1/beta could overflow float32; such a column is treated as exhausted.
  v_next[t] = select(0.0, w[t] / beta, beta > 1e-30);
  if (p.record != 0u && t < p.b) {
    hist[(2u * p.j) * p.b + q] = h1[p.j * p.b + q] + h2[p.j * p.b + q];
    hist[(2u * p.j + 1u) * p.b + q] = beta;
  }
}
