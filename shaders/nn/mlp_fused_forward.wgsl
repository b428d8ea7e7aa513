// The whole score MLP in one dispatch (inference): Fourier time embedding, every dense layer
// (bias, activation, residual), the output layer and its row scale. Computes exactly what
// embed_time + dense_forward compute, in the same order: every z is one serial FMA chain over
// k starting from the bias, with the same activation code, so the results match the per-layer
// path (up to the compiler's freedom with the non-fma operations).
//
// Each workgroup owns a tile of 8 batch rows. The tile's activations live in workgroup memory
// (two 8 x AW buffers, ping-ponged between layers); each layer's weights [n_in, n_out] are
// staged through a workgroup buffer of WCAP vec4 (rows padded to whole column quads with
// zeros), kc = WCAP / quads rows of k at a time, with a barrier before each load (everyone is
// done with the previous chunk; the previous layer's outputs are visible) and one after. The
// bias row is read from global memory. Lane q owns column quad q of every layer and all 8 rows:
// 8 vec4 accumulators stay in registers across the chunks, so each z is one FMA chain. The
// activation reads are the same address on every lane (scalar loads on SIMD-over-invocations
// drivers, the layout of dense_forward.wgsl; a first version with lanes over 4 x 4 blocks
// gathered per lane and ran 2-8x slower on lavapipe). Hidden layers' pre-activations are written
// to zs (a slab of zslab floats per layer) when STORE_Z, for a reverse pass that follows.
//
// Sizes (host, src/ops/nn.ts): 16 AW + 4 WCAP floats fit maxComputeWorkgroupStorageSize,
// AW >= every layer width, WCAP >= the most column quads, WG >= the most column quads.
struct Params {
  rows: u32,
  d: u32,
  nf: u32,
  x_stride: u32,
  use_tconst: u32,
  tconst: f32,
  rsconst: f32,
  rep: u32,      // tile row r reads row r / rep of x and t (exact divergence replicates rows)
  h: u32,        // hidden width
  nlayers: u32,  // dense layers (hidden layers + 1)
  zslab: u32,    // floats per layer in zs
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> tv: array<f32>;
@group(0) @binding(3) var<storage, read> rsv: array<f32>;
@group(0) @binding(4) var<storage, read> fw: array<f32>;
@group(0) @binding(5) var<storage, read> w: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;
#if ${STORE_Z}
@group(0) @binding(7) var<storage, read_write> zs: array<f32>;
@group(0) @binding(8) var<storage, read_write> rs_out: array<f32>;
#endif

const TR: u32 = 8u;
const AW: u32 = ${AW}u;
const WCAP: u32 = ${WCAP}u;
const ACT: u32 = ${ACT}u; // 0 identity, 1 SiLU, 2 tanh, 3 ReLU
const TWO_PI: f32 = 6.283185307179586;

var<workgroup> hbuf: array<f32, ${HBUF}>; // 2 TR AW: layer input and output tiles
var<workgroup> wbuf: array<vec4<f32>, WCAP>;
var<workgroup> rsrow: array<f32, TR>;

fn act(v: f32) -> f32 {
  if (ACT == 1u) {
    let e = exp(-abs(v));
    return v * select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
  }
  if (ACT == 2u) {
    let e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
  }
  if (ACT == 3u) { return max(v, 0.0); }
  return v;
}

// Finishes output (tile row tr, column c) of layer l: activation, residual, row scale; stores.
fn finish(l: u32, last: bool, tr: u32, c: u32, n_out: u32, row0: u32, ib: u32, ob: u32, zv: f32) {
  if (c >= n_out) { return; }
  let r = row0 + tr;
  if (last) {
    if (r >= p.rows) { return; }
    var yv = zv;
#if ${ROWSCALE}
    yv = yv * rsrow[tr];
#endif
    y[r * n_out + c] = yv;
    return;
  }
#if ${STORE_Z}
  if (r < p.rows) { zs[l * p.zslab + r * n_out + c] = zv; }
#endif
  var yv = act(zv);
#if ${RESIDUAL}
  if (l > 0u) { yv = yv + hbuf[ib + tr * AW + c]; }
#endif
  hbuf[ob + tr * AW + c] = yv;
}

fn finish_row(l: u32, last: bool, tr: u32, c0: u32, n_out: u32, row0: u32, ib: u32, ob: u32, v: vec4<f32>) {
  finish(l, last, tr, c0, n_out, row0, ib, ob, v.x);
  finish(l, last, tr, c0 + 1u, n_out, row0, ib, ob, v.y);
  finish(l, last, tr, c0 + 2u, n_out, row0, ib, ob, v.z);
  finish(l, last, tr, c0 + 3u, n_out, row0, ib, ob, v.w);
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  let row0 = g * TR;
  if (row0 >= p.rows) { return; } // workgroup-uniform
  let win = p.d + 2u * p.nf;

  // Embedding (embed_time.wgsl's arithmetic) into the first tile buffer; rows past the batch
  // repeat the last row so every value is finite, and are never stored.
  for (var i = lid; i < TR * win; i = i + ${WG}u) {
    let tr = i / win;
    let k = i % win;
    let src = min(row0 + tr, p.rows - 1u) / p.rep;
    var t = p.tconst;
    if (p.use_tconst == 0u) { t = tv[src]; }
    var v: f32;
    if (k < p.d) {
      v = x[src * p.x_stride + k];
    } else if (k < p.d + p.nf) {
      v = sin(TWO_PI * fract(fw[k - p.d] * t));
    } else {
      v = cos(TWO_PI * fract(fw[k - p.d - p.nf] * t));
    }
    hbuf[tr * AW + k] = v;
  }
  for (var tr = lid; tr < TR; tr = tr + ${WG}u) {
    let r = row0 + tr;
    let src = min(r, p.rows - 1u) / p.rep;
    var scale = p.rsconst;
    if (p.use_tconst == 0u) { scale = rsv[src]; }
    rsrow[tr] = scale;
#if ${STORE_Z}
    if (r < p.rows) { rs_out[r] = scale; }
#endif
  }

  var w_off = 0u;
  for (var l = 0u; l < p.nlayers; l = l + 1u) {
    let last = l + 1u == p.nlayers;
    var n_in = p.h;
    if (l == 0u) { n_in = win; }
    var n_out = p.h;
    if (last) { n_out = p.d; }
    let ib = (l % 2u) * TR * AW; // input tile
    let ob = TR * AW - ib;       // output tile
    let nq = (n_out + 3u) / 4u;  // column quads
    let kc = WCAP / nq;          // k rows per staged chunk
    let owns_cols = lid < nq;
    let c0 = lid * 4u;
    let nlast = n_out - 1u;
    // bias (clamped columns are computed and never stored)
    let bb = w_off + n_in * n_out;
    let bias = vec4<f32>(w[bb + min(c0, nlast)], w[bb + min(c0 + 1u, nlast)], w[bb + min(c0 + 2u, nlast)], w[bb + min(c0 + 3u, nlast)]);
    var a0 = bias;
    var a1 = bias;
    var a2 = bias;
    var a3 = bias;
    var a4 = bias;
    var a5 = bias;
    var a6 = bias;
    var a7 = bias;
    for (var k0 = 0u; k0 < n_in; k0 = k0 + kc) {
      let k1 = min(k0 + kc, n_in);
      workgroupBarrier();
      // lane q stages column quad q of every row of the chunk (WG >= nq: no index division)
      if (owns_cols) {
        var src = w_off + k0 * n_out + c0;
        var dst = lid;
        for (var k = k0; k < k1; k = k + 1u) {
          var v = vec4<f32>(0.0);
          if (c0 + 3u < n_out) {
            v = vec4<f32>(w[src], w[src + 1u], w[src + 2u], w[src + 3u]);
          } else {
            v.x = w[src];
            if (c0 + 1u < n_out) { v.y = w[src + 1u]; }
            if (c0 + 2u < n_out) { v.z = w[src + 2u]; }
          }
          wbuf[dst] = v;
          src = src + n_out;
          dst = dst + nq;
        }
      }
      workgroupBarrier();
      if (owns_cols) {
        var wk = lid;
        for (var k = k0; k < k1; k = k + 1u) {
          let wv = wbuf[wk];
          a0 = fma(vec4<f32>(hbuf[ib + k]), wv, a0);
          a1 = fma(vec4<f32>(hbuf[ib + AW + k]), wv, a1);
          a2 = fma(vec4<f32>(hbuf[ib + 2u * AW + k]), wv, a2);
          a3 = fma(vec4<f32>(hbuf[ib + 3u * AW + k]), wv, a3);
          a4 = fma(vec4<f32>(hbuf[ib + 4u * AW + k]), wv, a4);
          a5 = fma(vec4<f32>(hbuf[ib + 5u * AW + k]), wv, a5);
          a6 = fma(vec4<f32>(hbuf[ib + 6u * AW + k]), wv, a6);
          a7 = fma(vec4<f32>(hbuf[ib + 7u * AW + k]), wv, a7);
          wk = wk + nq;
        }
      }
    }
    if (owns_cols) {
      finish_row(l, last, 0u, c0, n_out, row0, ib, ob, a0);
      finish_row(l, last, 1u, c0, n_out, row0, ib, ob, a1);
      finish_row(l, last, 2u, c0, n_out, row0, ib, ob, a2);
      finish_row(l, last, 3u, c0, n_out, row0, ib, ob, a3);
      finish_row(l, last, 4u, c0, n_out, row0, ib, ob, a4);
      finish_row(l, last, 5u, c0, n_out, row0, ib, ob, a5);
      finish_row(l, last, 6u, c0, n_out, row0, ib, ob, a6);
      finish_row(l, last, 7u, c0, n_out, row0, ib, ob, a7);
    }
    w_off = w_off + (n_in + 1u) * n_out;
  }
}
