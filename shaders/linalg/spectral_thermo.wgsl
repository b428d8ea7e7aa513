// Spectral thermodynamics over a whole tau grid in one dispatch: workgroup g handles tau_g.
// Input: levels lam[i] with weights w[i] (multiplicities, or SLQ quadrature weights; WEIGHTED
// off means w = 1), shifted by lmin so every Boltzmann factor is <= 1 (no overflow at any tau).
//   Z    = sum w e^{-tau x},  x = max(lam - lmin, 0)
//   mu   = sum w x e^{-tau x} / Z
//   Var  = sum w (x - mu)^2 e^{-tau x} / Z          (second pass: centred, no cancellation)
//   out[6g..6g+5] = Z, <lam> = mu + lmin, Var, S = log Z + tau mu, C = tau^2 Var, d_S = 2 tau <lam>
// Each invocation keeps Neumaier-compensated sums over a strided slice; the WG partials are then
// combined by a pairwise tree in workgroup memory (depth log2 WG).
struct Params {
  m: u32,
  ntau: u32,
  lmin: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> lam: array<f32>;
@group(0) @binding(2) var<storage, read> wts: array<f32>;
@group(0) @binding(3) var<storage, read> taus: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> s0: array<f32, ${WG}>;
var<workgroup> s1: array<f32, ${WG}>;

fn weight(i: u32) -> f32 {
#if ${WEIGHTED}
  return wts[i];
#else
  return 1.0;
#endif
}

// Neumaier step on (sum, comp) packed in a vec2.
fn nadd(acc: vec2<f32>, v: f32) -> vec2<f32> {
  let t = acc.x + v;
  var c = acc.y;
  if (abs(acc.x) >= abs(v)) { c = c + ((acc.x - t) + v); } else { c = c + ((v - t) + acc.x); }
  return vec2<f32>(t, c);
}

fn tree(lid: u32) {
  for (var stride = ${WG}u / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      s0[lid] = s0[lid] + s0[lid + stride];
      s1[lid] = s1[lid] + s1[lid + stride];
    }
    workgroupBarrier();
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y;
  // g is uniform across the workgroup: every barrier below is reached by all invocations.
  let tau = taus[min(g, p.ntau - 1u)];
  var z = vec2<f32>(0.0, 0.0);
  var m1 = vec2<f32>(0.0, 0.0);
  for (var i = lid; i < p.m; i = i + ${WG}u) {
    let x = max(lam[i] - p.lmin, 0.0);
    let e = weight(i) * exp(-tau * x);
    z = nadd(z, e);
    m1 = nadd(m1, x * e);
  }
  s0[lid] = z.x + z.y;
  s1[lid] = m1.x + m1.y;
  workgroupBarrier();
  tree(lid);
  let zt = s0[0];
  let mu = select(0.0, s1[0] / zt, zt > 0.0);
  workgroupBarrier();
  var v = vec2<f32>(0.0, 0.0);
  for (var i = lid; i < p.m; i = i + ${WG}u) {
    let x = max(lam[i] - p.lmin, 0.0);
    let d = x - mu;
    v = nadd(v, weight(i) * exp(-tau * x) * d * d);
  }
  s0[lid] = v.x + v.y;
  s1[lid] = 0.0;
  workgroupBarrier();
  tree(lid);
  if (lid == 0u && g < p.ntau) {
    let var_ = select(0.0, s0[0] / zt, zt > 0.0);
    let mean = mu + p.lmin;
    out[6u * g] = zt;
    out[6u * g + 1u] = mean;
    out[6u * g + 2u] = var_;
    out[6u * g + 3u] = log(zt) + tau * mu;
    out[6u * g + 4u] = tau * tau * var_;
    out[6u * g + 5u] = 2.0 * tau * mean;
  }
}
