// out[out_off + c] = scale * reduce_r f(in[in_off + r * cols + c]) for column c = workgroup x.
// MODE 0: sum, 1: sum of squares, 2: max |v|. One workgroup per column: each invocation walks
// rows lid, lid + WG, ... in order, then a tree over the WG partial results (error of a sum of
// n terms: about (n / WG + log2 WG) u sum |terms|). Used for the global gradient norm, loss
// curves and per-time statistics, so nothing is read back per step.
struct Params {
  rows: u32,
  cols: u32,
  in_off: u32,
  out_off: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

const MODE: u32 = ${MODE}u;
var<workgroup> part: array<f32, ${WG}>;

fn f(v: f32) -> f32 {
  if (MODE == 1u) { return v * v; }
  if (MODE == 2u) { return abs(v); }
  return v;
}

fn comb(a: f32, b: f32) -> f32 {
  if (MODE == 2u) { return max(a, b); }
  return a + b;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x;
  var acc = 0.0;
  for (var r = lid; r < p.rows; r = r + ${WG}u) {
    acc = comb(acc, f(src[p.in_off + r * p.cols + c]));
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG}u / 2u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = comb(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { out[p.out_off + c] = p.scale * part[0]; }
}
