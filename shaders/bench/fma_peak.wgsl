// Attainable f32 FMA throughput: CHAINS independent vec4 accumulators per invocation, each
// updated `iters` times by fma with values held in registers; no memory traffic except one
// store per invocation (kept so the compiler cannot drop the chains). flops per invocation
// = iters * CHAINS * 4 lanes * 2.
struct Params {
  iters: u32,
  seed: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  // Multiplier just under 1 and a tiny addend keep every value finite for any iteration count.
  let x = vec4<f32>(0.999999, 0.9999991, 0.9999992, 0.9999993);
  let y = vec4<f32>(p.seed * 1e-7);
  var acc: array<vec4<f32>, ${CHAINS}>;
  for (var c = 0u; c < ${CHAINS}u; c = c + 1u) {
    acc[c] = vec4<f32>(f32(t) * 1e-6 + f32(c));
  }
  for (var i = 0u; i < p.iters; i = i + 1u) {
    for (var c = 0u; c < ${CHAINS}u; c = c + 1u) {
      acc[c] = fma(acc[c], x, y);
    }
  }
  var s = vec4<f32>(0.0);
  for (var c = 0u; c < ${CHAINS}u; c = c + 1u) {
    s = s + acc[c];
  }
  out[t] = s.x + s.y + s.z + s.w;
}
