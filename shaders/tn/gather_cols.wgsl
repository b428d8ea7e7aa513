// out[i * o_rs + j * o_cs] = src[i * src_ld + col[j]] * scale[j]: picks (sorted, truncated)
// singular vectors out of the Jacobi workspace and scales them by sigma or 1/sigma, writing
// them either as columns (U) or as rows (V^T) through the output strides.
struct Params {
  rows: u32,
  ncols: u32,
  src_ld: u32,
  o_rs: u32,
  o_cs: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> col: array<u32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.rows * p.ncols) { return; }
  let i = t / p.ncols;
  let j = t % p.ncols;
  out[i * p.o_rs + j * p.o_cs] = src[i * p.src_ld + col[j]] * scale[j];
}
