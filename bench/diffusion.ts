// Score-network training and probability-flow evaluation. Training steps/s of the DSM step
// (d = 2, h = 128, 4 hidden SiLU layers, batch 4096, Adam) for ours and for the same model in
// @tensorflow/tfjs-core on its WebGPU backend (same adapter, same process), and PyTorch on the
// CPU through python3 when torch is importable; then samples/s of the probability-flow ODE and
// NLL evaluations/s (score + exact divergence per point per stage).
import { spawnSync } from 'node:child_process';
import { ScoreNet, Sde, dataset, trainScoreNet, sampleProbabilityFlow, probabilityFlowNll } from '../src/index.js';
import type { NamedTensorMap, Tensor2D } from '@tensorflow/tfjs-core';
import type { Bench, BenchContext } from './lib.js';
import { median } from './lib.js';

const D = 2, H = 128, LAYERS = 4, BATCH = 4096, NF = 16, SIGMA = 10;
const STEPS = 4; // timed steps per run (each run also pays one read-back of the loss curve)
const REPS = 3;

/** FLOPs of one training step: forward, weight gradient and input-side gradient of each dense layer. */
function stepFlops(): number {
  const dims = [D + 2 * NF, ...Array(LAYERS).fill(H), D];
  let f = 0;
  for (let l = 0; l + 1 < dims.length; l++) {
    const nIn = dims[l]!, nOut = dims[l + 1]!;
    f += 2 * BATCH * (nIn + 1) * nOut * 2; // forward + weight gradient
    if (l > 0) f += 2 * BATCH * nIn * nOut; // gradient towards the layer input
  }
  return f;
}

async function ours(ctx: BenchContext, data: Float32Array): Promise<number> {
  const { engine } = ctx;
  const sde = new Sde({ kind: 'VE', sigma: SIGMA });
  const net = new ScoreNet(engine, { dim: D, hidden: H, layers: LAYERS, activation: 'silu', fourierFeatures: NF, seed: 1 });
  const opts = { steps: STEPS, batch: BATCH, lr: 1e-3, weighting: 'sigma2' as const, logEvery: STEPS, seed: 1 };
  const warm = await trainScoreNet(engine, net, sde, data, { ...opts, steps: 2, logEvery: 2 });
  warm.optimizer.dispose();
  const per: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const res = await trainScoreNet(engine, net, sde, data, { ...opts, seed: 2 + r });
    per.push((1000 * res.seconds) / STEPS);
    res.optimizer.dispose();
  }
  const ms = median(per);
  ctx.record({ bench: 'diffusion', case: `DSM train step d=${D} h=${H} L=${LAYERS} B=${BATCH}`, impl: 'diffrg', size: BATCH, gpuMs: null, wallMs: ms, reps: REPS, flops: stepFlops(), note: `${(1000 / ms).toFixed(2)} steps/s` });

  // Probability-flow ODE sampling and NLL with the (briefly trained) net.
  const model = (await trainScoreNet(engine, net, sde, data, { ...opts, steps: 1, logEvery: 1 }));
  const n = 1024, odeSteps = 10;
  const s0 = performance.now();
  await sampleProbabilityFlow(engine, model.model, sde, n, { method: 'rk4', steps: odeSteps, seed: 3 });
  const sampleMs = performance.now() - s0;
  ctx.record({ bench: 'diffusion', case: `PF-ODE sampling RK4 ${odeSteps} steps, n=${n}`, impl: 'diffrg', size: n, gpuMs: null, wallMs: sampleMs, reps: 1, note: `${(n / (sampleMs / 1000)).toFixed(1)} samples/s (${(4 * odeSteps * n / (sampleMs / 1000)).toFixed(0)} score evals/s)` });
  const m = 512;
  const x = dataset('8gaussians').sample(m, 5);
  const n0 = performance.now();
  const nll = await probabilityFlowNll(engine, model.model, sde, x, { method: 'rk4', steps: odeSteps, divergence: 'exact' });
  const nllMs = performance.now() - n0;
  const evals = m * nll.stats.nfe;
  ctx.record({ bench: 'diffusion', case: `PF-ODE NLL exact div RK4 ${odeSteps} steps, n=${m}`, impl: 'diffrg', size: m, gpuMs: null, wallMs: nllMs, reps: 1, note: `${(evals / (nllMs / 1000)).toFixed(0)} NLL evaluations/s (score + divergence), ${(m / (nllMs / 1000)).toFixed(1)} NLLs/s` });
  model.optimizer.dispose();
  net.dispose();
  return ms;
}

async function tfjs(ctx: BenchContext, data: Float32Array): Promise<number | null> {
  const t = await ctx.tf();
  if (!t) return null;
  const tf = t.tf;
  const dims = [D + 2 * NF, ...Array(LAYERS).fill(H), D];
  const vars = dims.slice(0, -1).map((nIn, l) => ({
    w: tf.variable(tf.randomUniform([nIn, dims[l + 1]!], -1 / Math.sqrt(nIn), 1 / Math.sqrt(nIn)), true, `w${l}`),
    b: tf.variable(tf.zeros([dims[l + 1]!]), true, `b${l}`),
  }));
  const freqs = tf.randomNormal([1, NF], 0, 4);
  const pool = tf.tensor2d(data.subarray(0, 65536 * D), [65536, D]);
  const opt = tf.train.adam(1e-3);
  const ls = Math.log(SIGMA);
  // The reverse pass is written out with tf ops (tfjs-core alone registers no gradients, and its
  // ESM gradient modules do not load in Node); tf.train.adam applies the update.
  const step = () => {
    const grads = tf.tidy(() => {
      const idx = tf.randomUniform([BATCH], 0, 65536, 'int32');
      const x0 = tf.gather(pool, idx);
      const tt = tf.randomUniform([BATCH, 1], 1e-5, 1);
      const std = tf.sqrt(tf.div(tf.sub(tf.exp(tf.mul(tt, 2 * ls)), 1), 2 * ls));
      const z = tf.randomNormal([BATCH, D]);
      const xt = tf.add(x0, tf.mul(std, z));
      const arg = tf.mul(tf.matMul(tt, freqs), 2 * Math.PI);
      const hs: Tensor2D[] = [tf.concat([xt, tf.sin(arg), tf.cos(arg)], 1) as Tensor2D];
      const zs: Tensor2D[] = [];
      vars.forEach((v, l) => {
        const zl = tf.add(tf.matMul(hs[l]!, v.w), v.b) as Tensor2D;
        zs.push(zl);
        hs.push((l < vars.length - 1 ? tf.mul(zl, tf.sigmoid(zl)) : zl) as Tensor2D); // SiLU on hidden layers
      });
      // sigma^2-weighted DSM with the output scaled by 1/std: loss = mean_b |net + z|^2
      let dz = tf.mul(tf.add(hs[vars.length]!, z), 2 / BATCH) as Tensor2D;
      const g: NamedTensorMap = {};
      for (let l = vars.length - 1; l >= 0; l--) {
        g[`w${l}`] = tf.matMul(hs[l]!, dz, true, false);
        g[`b${l}`] = tf.sum(dz, 0);
        if (l > 0) {
          const dh = tf.matMul(dz, vars[l]!.w, false, true);
          const sg = tf.sigmoid(zs[l - 1]!);
          dz = tf.mul(dh, tf.mul(sg, tf.add(1, tf.mul(zs[l - 1]!, tf.sub(1, sg))))) as Tensor2D;
        }
      }
      return g;
    });
    opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    const out = grads['w0']!;
    for (const [k, v] of Object.entries(grads)) if (k !== 'w0') v.dispose();
    return out;
  };
  for (let i = 0; i < 2; i++) await t.wallTime(step);
  const per: number[] = [];
  for (let r = 0; r < REPS; r++) {
    let ms = 0;
    for (let i = 0; i < STEPS; i++) ms += await t.wallTime(step);
    per.push(ms / STEPS);
  }
  const ms = median(per);
  ctx.record({ bench: 'diffusion', case: `DSM train step d=${D} h=${H} L=${LAYERS} B=${BATCH}`, impl: 'tfjs-webgpu', size: BATCH, gpuMs: null, wallMs: ms, reps: REPS, flops: stepFlops(), note: `${(1000 / ms).toFixed(2)} steps/s` });
  for (const v of vars) {
    v.w.dispose();
    v.b.dispose();
  }
  freqs.dispose();
  pool.dispose();
  opt.dispose();
  return ms;
}

const TORCH = `
import time, math, torch
torch.manual_seed(0)
D, H, L, B, NF, S = ${D}, ${H}, ${LAYERS}, ${BATCH}, ${NF}, ${SIGMA}
dims = [D + 2 * NF] + [H] * L + [D]
layers = []
for i in range(len(dims) - 1):
    layers.append(torch.nn.Linear(dims[i], dims[i + 1]))
    if i < len(dims) - 2: layers.append(torch.nn.SiLU())
net = torch.nn.Sequential(*layers)
w = torch.randn(1, NF) * 4
pool = torch.randn(65536, D)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
ls = math.log(S)
def step():
    x0 = pool[torch.randint(0, 65536, (B,))]
    t = torch.rand(B, 1) * (1 - 1e-5) + 1e-5
    std = torch.sqrt((torch.exp(2 * ls * t) - 1) / (2 * ls))
    z = torch.randn(B, D)
    a = 2 * math.pi * t @ w
    out = net(torch.cat([x0 + std * z, torch.sin(a), torch.cos(a)], 1))
    loss = ((out + z) ** 2).sum(1).mean()
    opt.zero_grad(); loss.backward(); opt.step()
for _ in range(3): step()
t0 = time.perf_counter()
for _ in range(10): step()
print((time.perf_counter() - t0) / 10 * 1000)
`;

function torch(ctx: BenchContext): number | null {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    ctx.log(`diffusion: PyTorch comparison skipped: python3 cannot import torch (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  const r = spawnSync('python3', ['-c', TORCH], { encoding: 'utf8', timeout: 300000 });
  const ms = Number(r.stdout.trim().split('\n').pop());
  if (r.status !== 0 || !Number.isFinite(ms)) {
    ctx.log(`diffusion: PyTorch run failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  ctx.record({ bench: 'diffusion', case: `DSM train step d=${D} h=${H} L=${LAYERS} B=${BATCH}`, impl: `pytorch-cpu (${spawnSync('python3', ['-c', 'import torch;print(torch.__version__, torch.get_num_threads())'], { encoding: 'utf8' }).stdout.trim()} threads)`, size: BATCH, gpuMs: null, wallMs: ms, reps: 10, flops: stepFlops(), note: `${(1000 / ms).toFixed(2)} steps/s` });
  return ms;
}

export const diffusionBench: Bench = {
  name: 'diffusion',
  async run(ctx) {
    const data = dataset('8gaussians').sample(65536, 1);
    const a = await ours(ctx, data);
    const b = await tfjs(ctx, data);
    if (b !== null) ctx.log(`diffusion: training steps/s ours / tfjs-webgpu = ${(b / a).toFixed(2)}x (${(1000 / a).toFixed(2)} vs ${(1000 / b).toFixed(2)})`);
    const c = torch(ctx);
    if (c !== null) ctx.log(`diffusion: training steps/s ours / pytorch-cpu = ${(c / a).toFixed(2)}x`);
  },
};
