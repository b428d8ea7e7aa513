// Linear combination of up to five same-shaped matrix batches plus a multiple of the identity:
// out[b, i, j] = c_id [i == j] + sum_k c_k x_k[b, i, j]   (k < p.count).
// Used by expm for the Taylor combinations (c_0 I + c_1 A + c_2 A^2 + ...) and its scaling.
// Unused inputs are bound to any buffer and never read. 4 elements per invocation.
// Error: each term is rounded once and the sum is accumulated left to right, so
// |out - exact| <= (count + 1) u sum_k |c_k x_k| (+ u |c_id|).

struct Params {
  n: u32,
  total: u32,     // batch * n * n
  count: u32,     // inputs used, 0..5
  c_id: f32,
  c: array<vec4<f32>, 2>,   // c_0..c_4
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x0: array<f32>;
@group(0) @binding(2) var<storage, read> x1: array<f32>;
@group(0) @binding(3) var<storage, read> x2: array<f32>;
@group(0) @binding(4) var<storage, read> x3: array<f32>;
@group(0) @binding(5) var<storage, read> x4: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

fn one(t: u32) -> f32 {
  let r = t % (p.n * p.n);
  var s = select(0.0, p.c_id, r / p.n == r % p.n);
  if (p.count > 0u) { s = s + p.c[0].x * x0[t]; }
  if (p.count > 1u) { s = s + p.c[0].y * x1[t]; }
  if (p.count > 2u) { s = s + p.c[0].z * x2[t]; }
  if (p.count > 3u) { s = s + p.c[0].w * x3[t]; }
  if (p.count > 4u) { s = s + p.c[1].x * x4[t]; }
  return s;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  let base = t * 4u;
  let end = min(base + 4u, p.total);
  for (var i = base; i < end; i = i + 1u) {
    out[i] = one(i);
  }
}
