// Fused one-dispatch MLP forward vs the per-layer kernels (issue 6), on whatever adapter Dawn
// finds: wall ms per score() evaluation (the forward plus its output), d = 2, nf = 16, SiLU,
// hidden widths 32..256 at batch 64, 512 and 4096. The two paths alternate within each round so
// machine load hits both alike; the figure is the median over rounds.
// Run: npx tsx bench/mlp_fused.ts [layers=3] [rounds=5]
import { gpuEnv } from '../scripts/gpu-env.mjs';
Object.assign(process.env, gpuEnv()); // before Dawn loads
const { createEngine, ScoreNet } = await import('../src/index.js');

const layers = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 5);
const engine = await createEngine();
console.log(`adapter: ${engine.adapter.vendor} ${engine.adapter.architecture} ${engine.adapter.description}; hidden layers ${layers}`);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function timeOne(net: InstanceType<typeof ScoreNet>, x: ReturnType<typeof engine.tensor>, batch: number, path: 'fused' | 'layered', reps: number): Promise<number> {
  await engine.sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const s = await net.score(x, { t: 0.3 + i * 1e-3, rowScale: 1 }, batch, { path });
    s.dispose();
  }
  await engine.sync();
  return (performance.now() - t0) / reps;
}

console.log('h\tbatch\tlayered ms\tfused ms\tratio (layered/fused)');
for (const h of [32, 64, 128, 256]) {
  for (const batch of [64, 512, 4096]) {
    const net = new ScoreNet(engine, { dim: 2, hidden: h, layers, activation: 'silu', fourierFeatures: 16, seed: 1 });
    const x = engine.tensor(Float32Array.from({ length: 2 * batch }, (_, i) => Math.sin(i)), [batch, 2]);
    // warm up (compiles) and size the repetitions to ~150 ms per measurement
    await timeOne(net, x, batch, 'fused', 1);
    await timeOne(net, x, batch, 'layered', 1);
    const probe = Math.max(await timeOne(net, x, batch, 'layered', 2), await timeOne(net, x, batch, 'fused', 2));
    const reps = Math.max(2, Math.min(200, Math.round(150 / probe)));
    const lay: number[] = [], fus: number[] = [];
    for (let r = 0; r < rounds; r++) {
      lay.push(await timeOne(net, x, batch, 'layered', reps));
      fus.push(await timeOne(net, x, batch, 'fused', reps));
    }
    const l = median(lay), f = median(fus);
    console.log(`${h}\t${batch}\t${l.toFixed(3)}\t${f.toFixed(3)}\t${(l / f).toFixed(2)}\t(plan ${JSON.stringify(net.fusedPlan(batch))}, ${reps} reps x ${rounds})`);
    x.dispose();
    net.dispose();
  }
}
await engine.dispose();
