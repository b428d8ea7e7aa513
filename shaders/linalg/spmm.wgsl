// Y = alpha * (A X) + beta * X + gamma * Z for a CSR matrix A [n, n] and row-major blocks
// X, Z, Y [n, b] (b vectors side by side). The beta/gamma terms fuse the Chebyshev three-term
// recurrence (T_{k+1} = (2/phi) L T_k - 2 T_k - T_{k-1}) into the product; plain SpMM passes
// beta = gamma = 0.
//
// One invocation per (row i, group of columns), groups side by side within a row so the lanes
// of a row share its nonzeros; no workgroup memory and no barriers (software adapters pay a lot
// for barriers). Each invocation walks its row once and, per nonzero, loads the column index and
// value once for all of its columns:
// - VEC4 (b a multiple of 4): X, Z, Y are viewed as array<vec4<f32>>; an invocation owns G
//   consecutive vec4 groups (4 G columns, G in {1, 2, 4, 8}, G divides b / 4), so the index/value
//   loads and the loop overhead are shared by 4 G columns. Measured on lavapipe (2 cores,
//   1e5 nodes, nnz 2.1e6 random): 2.3-5x faster than one invocation per output element for
//   b = 32..128; G = 8 (a whole 128-byte X row slice per nonzero) another 1.25-1.5x at b = 32,
//   even at 64 and 128. What remains is the gathers of X rows at random columns: loading X
//   only, at hashed columns and without the index loads, took 85% of the kernel's time.
// - scalar (any b): an invocation owns W <= 4 consecutive columns; in the last group of a row
//   the columns past b are clamped to column b - 1 for loading (in bounds, no branch in the
//   loop) and not stored.
// Every output is the same sequential float32 sum over the row's nonzeros in CSR order as a
// plain dot product, so the accuracy bound is that of the dot product (see src/ops/sparse.ts).
struct Params {
  n: u32,
  b: u32,
  // column groups per row: b / (4 G) for VEC4, ceil(b / W) for scalar
  gpr: u32,
  alpha: f32,
  beta: f32,
  gamma: f32,
}

#if ${VEC4}
alias Elem = vec4<f32>;
#else
alias Elem = f32;
#endif

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> row_ptr: array<u32>;
@group(0) @binding(2) var<storage, read> col_idx: array<u32>;
@group(0) @binding(3) var<storage, read> vals: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<Elem>;
@group(0) @binding(5) var<storage, read> z: array<Elem>;
@group(0) @binding(6) var<storage, read_write> y: array<Elem>;

// The fused epilogue for one output element (or vec4 of them) at flat index o.
fn finish(o: u32, acc: Elem) -> Elem {
  var out = p.alpha * acc;
  if (p.beta != 0.0) { out = out + p.beta * x[o]; }
  if (p.gamma != 0.0) { out = out + p.gamma * z[o]; }
  return out;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (t >= p.n * p.gpr) { return; }
  let i = t / p.gpr;
  let g = t - i * p.gpr;
  let s0 = row_ptr[i];
  let s1 = row_ptr[i + 1u];
#if ${VEC4}
  // row stride and first owned group, in vec4 units
  let stride = p.b / 4u;
  let c = g * ${G}u;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
#if ${G8}
  var a4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0);
#endif
  for (var s = s0; s < s1; s = s + 1u) {
    let v = vals[s];
    let base = col_idx[s] * stride + c;
    a0 = a0 + v * x[base];
#if ${G2}
    a1 = a1 + v * x[base + 1u];
#endif
#if ${G4}
    a2 = a2 + v * x[base + 2u];
    a3 = a3 + v * x[base + 3u];
#endif
#if ${G8}
    a4 = a4 + v * x[base + 4u];
    a5 = a5 + v * x[base + 5u];
    a6 = a6 + v * x[base + 6u];
    a7 = a7 + v * x[base + 7u];
#endif
  }
  let o = i * stride + c;
  y[o] = finish(o, a0);
#if ${G2}
  y[o + 1u] = finish(o + 1u, a1);
#endif
#if ${G4}
  y[o + 2u] = finish(o + 2u, a2);
  y[o + 3u] = finish(o + 3u, a3);
#endif
#if ${G8}
  y[o + 4u] = finish(o + 4u, a4);
  y[o + 5u] = finish(o + 5u, a5);
  y[o + 6u] = finish(o + 6u, a6);
  y[o + 7u] = finish(o + 7u, a7);
#endif
#else
  let c0 = g * ${W}u;
  let last = p.b - 1u;
  // clamped load columns (in bounds); only columns < b are stored
  let k1 = min(c0 + 1u, last);
  let k2 = min(c0 + 2u, last);
  let k3 = min(c0 + 3u, last);
  var a0 = 0.0;
  var a1 = 0.0;
  var a2 = 0.0;
  var a3 = 0.0;
  for (var s = s0; s < s1; s = s + 1u) {
    let v = vals[s];
    let base = col_idx[s] * p.b;
    a0 = a0 + v * x[base + c0];
#if ${W2}
    a1 = a1 + v * x[base + k1];
#endif
#if ${W3}
    a2 = a2 + v * x[base + k2];
#endif
#if ${W4}
    a3 = a3 + v * x[base + k3];
#endif
  }
  let o = i * p.b + c0;
  y[o] = finish(o, a0);
#if ${W2}
  if (c0 + 1u < p.b) { y[o + 1u] = finish(o + 1u, a1); }
#endif
#if ${W3}
  if (c0 + 2u < p.b) { y[o + 2u] = finish(o + 2u, a2); }
#endif
#if ${W4}
  if (c0 + 3u < p.b) { y[o + 3u] = finish(o + 3u, a3); }
#endif
#endif
}
