// One Adam / AdamW step on the flat parameter buffer, with global-norm gradient clipping and an
// exponential moving average of the weights, all in one pass (no host round trip):
//   g = grad * min(1, max_norm / |grad|)       (|grad|^2 read from stats[0], made on the GPU)
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   param -= lr (m / bc1) / (sqrt(v / bc2) + eps) + lr wd param   (decoupled decay, AdamW)
//   ema = decay ema + (1 - decay) param
// bc1 = 1 - b1^step and bc2 = 1 - b2^step come from the host as uniforms of this dispatch.
struct Params {
  n: u32,
  clip: u32,
  lr: f32,
  b1: f32,
  b2: f32,
  eps: f32,
  wd: f32,
  bc1: f32,
  bc2: f32,
  max_norm: f32,
  ema_decay: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> prm: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;
@group(0) @binding(5) var<storage, read_write> ema: array<f32>;
@group(0) @binding(6) var<storage, read> stats: array<f32>;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y) * ${WG}u + lid;
  if (i >= p.n) { return; }
  var s = 1.0;
  if (p.clip != 0u) {
    let norm = sqrt(stats[0]);
    if (norm > p.max_norm) { s = p.max_norm / norm; }
  }
  let g = grad[i] * s;
  let a = p.b1 * m1[i] + (1.0 - p.b1) * g;
  let b = p.b2 * m2[i] + (1.0 - p.b2) * g * g;
  m1[i] = a;
  m2[i] = b;
  var w = prm[i];
  w = w - p.lr * ((a / p.bc1) / (sqrt(b / p.bc2) + p.eps) + p.wd * w);
  prm[i] = w;
  ema[i] = p.ema_decay * ema[i] + (1.0 - p.ema_decay) * w;
}
