// W^T of one dense layer for the backward-data product: wt[wt_off + c * n_in + k] =
// w[w_off + k * n_out + c] for k < n_in, c < n_out (the bias row is not needed there). One
// element per invocation; a few thousand elements per layer, so one short dispatch.
struct Params {
  n_in: u32,
  n_out: u32,
  w_off: u32,
  wt_off: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> wt: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (e >= p.n_in * p.n_out) { return; }
  // e walks W^T in order (coalesced writes); reads are strided by n_out.
  let c = e / p.n_in;
  let k = e % p.n_in;
  wt[p.wt_off + e] = w[p.w_off + k * p.n_out + c];
}
