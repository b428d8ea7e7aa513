// Degrees of a CSR Laplacian by a reduction over each row: D_ii = -sum_{j != i} L_ij (the
// off-diagonal slots already hold -A_ij), written to the diagonal slot and to degree[i].
// One invocation per row, Neumaier-compensated, so a hub of degree d loses at most ~2u of
// relative accuracy instead of d*u.
struct Params {
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> diag_pos: array<u32>;
@group(0) @binding(3) var<storage, read_write> vals: array<f32>;
@group(0) @binding(4) var<storage, read_write> degree: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (i >= p.n) { return; }
  let d = diag_pos[i];
  var sum = 0.0;
  var comp = 0.0;
  for (var s = row_ptr[i]; s < row_ptr[i + 1u]; s = s + 1u) {
    if (s == d) { continue; }
    let w = -vals[s];
    let t = sum + w;
    if (abs(sum) >= abs(w)) { comp = comp + ((sum - t) + w); } else { comp = comp + ((w - t) + sum); }
    sum = t;
  }
  let deg = sum + comp;
  vals[d] = deg;
  degree[i] = deg;
}
