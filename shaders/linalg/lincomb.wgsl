// Linear combination of up to five same-shaped matrix batches plus a multiple of the identity:
// out[b, i, j] = c_id [i == j] + sum_k c_k x_k[b, i, j]   (k < p.count).
// Used by expm for the Taylor combinations (c_0 I + c_1 A + c_2 A^2 + ...) and its scaling.
// Unused inputs are bound to any buffer and never read.
// Launched as [column groups / WG, n rows, batch] workgroups, so an invocation knows its row and
// column without integer division (on CPU adapters a vector u32 division runs lane by lane and
// cost more than the loads). VEC4 (n a multiple of 4): one vec4 of a row per invocation, so each
// input is read with one vec4 load; otherwise one element.
// Error: each term is rounded once and the sum is accumulated left to right, so
// |out - exact| <= (count + 1) u sum_k |c_k x_k| (+ u |c_id|).

struct Params {
  n: u32,
  groups: u32,    // column groups per row: n / WIDTH
  count: u32,     // inputs used, 0..5
  c_id: f32,
  c: array<vec4<f32>, 2>,   // c_0..c_4
}

#if ${VEC4}
alias Elem = vec4<f32>;
alias Index = vec4<u32>;
const WIDTH = 4u;
const COLS = vec4<u32>(0u, 1u, 2u, 3u);
#else
alias Elem = f32;
alias Index = u32;
const WIDTH = 1u;
const COLS = 0u;
#endif

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x0: array<Elem>;
@group(0) @binding(2) var<storage, read> x1: array<Elem>;
@group(0) @binding(3) var<storage, read> x2: array<Elem>;
@group(0) @binding(4) var<storage, read> x3: array<Elem>;
@group(0) @binding(5) var<storage, read> x4: array<Elem>;
@group(0) @binding(6) var<storage, read_write> out: array<Elem>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x * ${WG}u + lid;
  if (g >= p.groups) { return; }
  let row = wid.y;
  let t = (wid.z * p.n + row) * p.groups + g;
  let col = g * WIDTH + COLS;
  var s = select(Elem(0.0), Elem(p.c_id), col == Index(row));
  if (p.count > 0u) { s = s + p.c[0].x * x0[t]; }
  if (p.count > 1u) { s = s + p.c[0].y * x1[t]; }
  if (p.count > 2u) { s = s + p.c[0].z * x2[t]; }
  if (p.count > 3u) { s = s + p.c[0].w * x3[t]; }
  if (p.count > 4u) { s = s + p.c[1].x * x4[t]; }
  out[t] = s;
}
