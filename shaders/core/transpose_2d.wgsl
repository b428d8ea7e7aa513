// Batched transpose of 4-byte elements: x viewed as [batch, rows, cols] -> out [batch, cols, rows].
// Each invocation moves a 4 x 4 block through registers: four reads of 4 consecutive words along
// a row of x, four writes of 4 consecutive words along a row of out. A workgroup of T x T
// invocations covers a 4T x 4T tile; the tile index is linear over (batch, tile row, tile col),
// so the scheduler can fold large counts into y/z. Blocks cut by the matrix edge take a guarded
// element-by-element path.
// No workgroup memory: on lavapipe a 16 x 16 shared-memory tile with a barrier was 3-10x slower
// than this (figures in src/ops/permute.ts).
struct Params {
  rows: u32,
  cols: u32,
  tiles_c: u32,  // ceil(cols / 4T)
  tiles_m: u32,  // tiles per matrix: ceil(rows / 4T) * tiles_c
  tiles: u32,    // batch * tiles_m
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let id = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  if (id >= p.tiles) { return; }
  let b = id / p.tiles_m;
  let rem = id % p.tiles_m;
  let r0 = (rem / p.tiles_c) * (4u * ${T}u) + 4u * lid.x;
  let c0 = (rem % p.tiles_c) * (4u * ${T}u) + 4u * lid.y;
  let base = b * p.rows * p.cols;
  if (r0 + 3u < p.rows && c0 + 3u < p.cols) {
    var v: array<vec4<u32>, 4>;
    for (var i = 0u; i < 4u; i = i + 1u) {
      let s = base + (r0 + i) * p.cols + c0;
      v[i] = vec4<u32>(x[s], x[s + 1u], x[s + 2u], x[s + 3u]);
    }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let d = base + (c0 + j) * p.rows + r0;
      out[d] = v[0][j];
      out[d + 1u] = v[1][j];
      out[d + 2u] = v[2][j];
      out[d + 3u] = v[3][j];
    }
  } else {
    for (var j = 0u; j < 4u; j = j + 1u) {
      for (var i = 0u; i < 4u; i = i + 1u) {
        if (r0 + i < p.rows && c0 + j < p.cols) {
          out[base + (c0 + j) * p.rows + r0 + i] = x[base + (r0 + i) * p.cols + c0 + j];
        }
      }
    }
  }
}
