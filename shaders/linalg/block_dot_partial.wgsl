// Column-wise dot products of a stack of blocks against one block, first stage:
//   partial[out0 + i, c, q] = sum_{r in chunk c} A[i, r, q] * B[r, q]
// for blocks i < m of A (block i at offset i * stride, each [n, b] row-major) and B [n, b]. Workgroup (i, c); invocation lid
// handles column q = lid % b and rows ro, ro + R, ... (R = WG / b), so neighbouring invocations
// read neighbouring addresses. Neumaier sums per invocation, then a sum over the R partials of a
// column in workgroup memory. block_dot_finish.wgsl sums the chunks.
struct Params {
  n: u32,
  b: u32,
  m: u32,
  nchunks: u32,
  chunk_rows: u32,
  out0: u32,
  stride: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> bb: array<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

var<workgroup> sums: array<f32, ${WG}>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  // Uniform across the workgroup, so the barrier below stays in uniform control flow.
  let active_wg = g < p.m * p.nchunks;
  let i = g / p.nchunks;
  let c = g - i * p.nchunks;
  let rr = ${WG}u / p.b;
  let q = lid % p.b;
  let ro = lid / p.b;
  var sum = 0.0;
  var comp = 0.0;
  if (active_wg && ro < rr) {
    let r0 = c * p.chunk_rows;
    let r1 = min(p.n, r0 + p.chunk_rows);
    let abase = i * p.stride;
    for (var r = r0 + ro; r < r1; r = r + rr) {
      let v = a[abase + r * p.b + q] * bb[r * p.b + q];
      let t = sum + v;
      if (abs(sum) >= abs(v)) { comp = comp + ((sum - t) + v); } else { comp = comp + ((v - t) + sum); }
      sum = t;
    }
  }
  sums[lid] = sum + comp;
  workgroupBarrier();
  if (active_wg && lid < p.b) {
    var s = 0.0;
    for (var k = 0u; k < rr; k = k + 1u) { s = s + sums[k * p.b + lid]; }
    partial[((p.out0 + i) * p.nchunks + c) * p.b + lid] = s;
  }
}
