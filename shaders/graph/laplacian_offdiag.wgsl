// Off-diagonal values of a CSR Laplacian L = D - A: slot s holds column col(s) of its row, and
// the arcs (row, col, w) that map to it (duplicate edges) were sorted next to each other on the
// host, so slot s owns arcs arc_ptr[s] .. arc_ptr[s+1]. L_s = -(sum of those weights), summed
// with Neumaier compensation. The diagonal slot owns no arcs and gets 0 here; the degree kernel
// fills it.
struct Params {
  nnz: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> arc_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let s = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (s >= p.nnz) { return; }
  var sum = 0.0;
  var comp = 0.0;
  for (var a = arc_ptr[s]; a < arc_ptr[s + 1u]; a = a + 1u) {
    let w = weights[a];
    let t = sum + w;
    if (abs(sum) >= abs(w)) { comp = comp + ((sum - t) + w); } else { comp = comp + ((w - t) + sum); }
    sum = t;
  }
  vals[s] = -(sum + comp);
}
