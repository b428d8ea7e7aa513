// One pass of a tree reduction. x is viewed as [outer, len, inner]; the reduction runs along
// len, independently for each of the outer * inner "columns" (o, i). A reduction over all
// elements is the case outer = inner = 1.
//
// A workgroup is TI columns by TL lanes. Lane tl of column c reduces the PER_LANE (8, 16 or
// 32) elements j = g*PER_LANE*TL + k*TL + tl of block g in registers as a balanced tree
// (depth log2 PER_LANE), the TL lanes then combine through workgroup memory as a tree (depth
// log2 TL, one barrier per 16-way level), and the result is written to partial[o, g, i] of a
// [outer, G, inner] output, G = ceil(len / (PER_LANE*TL)). The op runs this kernel again on
// the partials until G = 1, so every result is a balanced tree of depth about ceil(log2 len)
// (reduceDepth in src/ops/reduce.ts counts it exactly) and no thread runs a long serial sum.
// Lanes read consecutive elements (k*TL + tl), which vectorises on CPU drivers and coalesces
// on GPUs; columns are adjacent in inner, so TI > 1 also coalesces along inner.
//
// VEC4 (contiguous columns only: inner = 1, and each column starting on a multiple of 4
// elements) reads x as vec4s: CPU drivers such as lavapipe pay per load instruction and lane,
// so 16-byte loads move 4x the data for the same cost. Lane tl of a column then reduces the
// PER_LANE/4 vec4s q = g*(PER_LANE/4)*TL + k*TL + tl of its block componentwise as a balanced
// tree, then its 4 components as a tree of depth 2: depth log2 PER_LANE again. The op binds x
// rounded up to whole vec4s; components past len are padding.
//
// Padding (j >= len) uses the identity: 0 for sums, and for idempotent ops (max, min) the
// first element of the same reduction, which avoids needing an infinite constant in WGSL.
// MAP is applied to each input element on the first pass (exp(v - shift) for logsumexp), POST
// to each result on the last pass (mean's scale, logsumexp's log(v) + shift). Whether a pass
// applies them is a uniform flag, not a define, so one pipeline serves every pass.
struct Params {
  first: u32,    // 1: apply MAP to the loaded elements
  last: u32,     // 1: apply POST to the results
  len: u32,
  inner: u32,
  groups: u32,   // G: blocks along len, one workgroup each
  columns: u32,  // outer * inner
  tiles: u32,    // ceil(columns / TI); with LANE_GROUPS, ceil(groups / WG)
  total: u32,    // tiles * groups workgroups
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
#if ${VEC4}
@group(0) @binding(1) var<storage, read> x: array<vec4<${T}>>;
#else
@group(0) @binding(1) var<storage, read> x: array<${T}>;
#endif
@group(0) @binding(2) var<storage, read_write> out: array<${T}>;
#if ${SHIFT}
// One shift per column (the column's max, for logsumexp).
@group(0) @binding(3) var<storage, read> shift: array<f32>;
#endif

const TI = ${TI}u;
const TL = ${TL}u;
var<workgroup> s: array<${T}, ${WG}>;

fn combine(a: ${T}, b: ${T}) -> ${T} {
  return ${OP};
}

#if ${VEC4}
alias V = vec4<${T}>;

fn combine4(a: V, b: V) -> V {
  return ${OP};
}

fn pre4(v: V, sh: f32) -> V {
  if (p.first != 0u) {
    return ${MAP};
  }
  return v;
}

// vec4 j of the column that starts at vec4 q0, components past len replaced by pad.
fn load4(q0: u32, j: u32, sh: f32, pad: V) -> V {
  let len4 = (p.len + 3u) / 4u;
  let v = pre4(x[q0 + min(j, len4 - 1u)], sh);
  let e = vec4<u32>(4u * j) + vec4<u32>(0u, 1u, 2u, 3u);
  return select(pad, v, e < vec4<u32>(p.len));
}

// vec4s j, j + TL, j + 2 TL, j + 3 TL as a balanced tree (depth 2), componentwise.
fn tree4v(q0: u32, j: u32, sh: f32, pad: V) -> V {
  return combine4(combine4(load4(q0, j, sh, pad), load4(q0, j + TL, sh, pad)),
                  combine4(load4(q0, j + 2u * TL, sh, pad), load4(q0, j + 3u * TL, sh, pad)));
}
#else
fn load(base: u32, j: u32, sh: f32, pad: ${T}) -> ${T} {
  // Branch-free: clamp the index and select; the extra loads hit the same cache lines.
  return select(pad, pre(x[base + min(j, p.len - 1u) * p.inner], sh), j < p.len);
}

// Elements j, j + TL, ..., j + 7 TL as a balanced tree (depth 3).
fn tree8(base: u32, j: u32, sh: f32, pad: ${T}) -> ${T} {
  let a = combine(combine(load(base, j, sh, pad), load(base, j + TL, sh, pad)),
                  combine(load(base, j + 2u * TL, sh, pad), load(base, j + 3u * TL, sh, pad)));
  let b = combine(combine(load(base, j + 4u * TL, sh, pad), load(base, j + 5u * TL, sh, pad)),
                  combine(load(base, j + 6u * TL, sh, pad), load(base, j + 7u * TL, sh, pad)));
  return combine(a, b);
}
#endif

fn pre(v: ${T}, sh: f32) -> ${T} {
  if (p.first != 0u) {
    return ${MAP};
  }
  return v;
}

fn post(v: ${T}, sh: f32, m: f32) -> ${T} {
  if (p.last != 0u) {
    return ${POST};
  }
  return v;
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let w = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  // The scheduler may round a folded dispatch up; whole workgroups beyond the work return.
  if (w >= p.total) { return; }
#if ${LANE_GROUPS}
  // Each lane reduces its own block (TL = TI = 1) and the WG lanes of a workgroup take WG
  // consecutive blocks of one column (tiles = ceil(groups / WG) workgroups per column): no
  // workgroup memory and no barrier, which on CPU drivers cost more than the loads.
  let c = w / p.tiles;
  let g = (w % p.tiles) * ${WG}u + lid;
  if (g >= p.groups) { return; }
  let tl = 0u;
#else
  let g = w % p.groups;
  let tile = w / p.groups;
  let ti = lid % TI;
  let tl = lid / TI;
  let c = tile * TI + ti;
#endif
  // Lanes of a column past the last one compute on column 0 (valid reads) and never write.
  let cc = select(0u, c, c < p.columns);
  let o = cc / p.inner;
  let i = cc % p.inner;
  let base = o * p.len * p.inner + i;

  var sh = 0.0;
  var m = 0.0;
#if ${SHIFT}
  // A shift of +-inf (all elements -inf, or some +inf) would give inf - inf = NaN: shift by 0
  // instead, and POST returns m itself, the right answer (log(0) is not -inf everywhere:
  // SwiftShader returns -88).
  m = shift[o * p.inner + i];
  sh = select(m, 0.0, abs(m) > 0x1.fffffep+127f);
#endif
#if ${VEC4}
#if ${IDEMPOTENT}
  let pad = V(pre4(x[base / 4u], sh).x);
#else
  let pad = V(0);
#endif
  // PER_LANE / 4 vec4s per lane.
  let j0 = g * (${PER_LANE}u / 4u) * TL + tl;
#if ${FOUR_CHUNKS}
  let r4 = combine4(tree4v(base / 4u, j0, sh, pad), tree4v(base / 4u, j0 + 4u * TL, sh, pad));
#elif ${TWO_CHUNKS}
  let r4 = tree4v(base / 4u, j0, sh, pad);
#else
  let r4 = combine4(load4(base / 4u, j0, sh, pad), load4(base / 4u, j0 + TL, sh, pad));
#endif
  var r = combine(combine(r4.x, r4.y), combine(r4.z, r4.w));
#else
#if ${IDEMPOTENT}
  let pad = pre(x[base], sh);
#else
  let pad = ${T}(0);
#endif
  let j0 = g * ${PER_LANE}u * TL + tl;
#if ${FOUR_CHUNKS}
  var r = combine(combine(tree8(base, j0, sh, pad), tree8(base, j0 + 8u * TL, sh, pad)),
                  combine(tree8(base, j0 + 16u * TL, sh, pad), tree8(base, j0 + 24u * TL, sh, pad)));
#elif ${TWO_CHUNKS}
  var r = combine(tree8(base, j0, sh, pad), tree8(base, j0 + 8u * TL, sh, pad));
#else
  var r = tree8(base, j0, sh, pad);
#endif

#endif

  // Lanes combine 16 at a time (TL is 1, 16 or 256): after a barrier, lane tl = 16 st a of
  // each group of 16 (stride st) reduces the group's 16 values as a balanced tree (depth 4).
  // The same tree as pairwise halving, with log16 instead of log2 TL barriers: barriers are
  // the expensive part on CPU drivers.
#if ${LANE_GROUPS}
  // (no lane combine: TL = 1)
#else
  if (TL > 1u) {
    s[lid] = r;
    for (var st = 1u; st < TL; st = st * 16u) {
      workgroupBarrier();
      if (tl % (16u * st) == 0u) {
        let q = lid + st * TI;  // lane tl + k st is at lid + k st TI
        let d = st * TI;
        let a = combine(combine(combine(r, s[q]), combine(s[q + d], s[q + 2u * d])),
                        combine(combine(s[q + 3u * d], s[q + 4u * d]), combine(s[q + 5u * d], s[q + 6u * d])));
        let b = combine(combine(combine(s[q + 7u * d], s[q + 8u * d]), combine(s[q + 9u * d], s[q + 10u * d])),
                        combine(combine(s[q + 11u * d], s[q + 12u * d]), combine(s[q + 13u * d], s[q + 14u * d])));
        r = combine(a, b);
        s[lid] = r;
      }
    }
  }
#endif
  if (tl == 0u && c < p.columns) {
    out[(o * p.groups + g) * p.inner + i] = post(r, sh, m);
  }
}
