// Sweeps block shapes of the 'register' matmul kernel on this adapter. Configs are run in
// interleaved rounds and the best (minimum) GPU-timestamp time of each is kept, which is what
// survives other processes sharing a small machine.
// Usage: npx tsx bench/tune-matmul.ts N ROUNDS WG ...
import { gpuEnv } from '../scripts/gpu-env.mjs';
Object.assign(process.env, gpuEnv());
const { createEngine, gemmStrided } = await import('../src/index.js');
const { fmaKernel } = await import('./fma.js');

const N = Number(process.argv[2] ?? 1024);
const rounds = Number(process.argv[3] ?? 3);
const configs = process.argv.slice(4).map(Number);
if (configs.length === 0) configs.push(64);
const engine = await createEngine();
console.log(engine.adapter.description);
const data = new Float32Array(N * N).map((_, i) => ((i * 31) % 17) / 17);
const a = engine.tensor(data, [N, N]);
const out = engine.empty([N, N]);
const best = configs.map(() => Infinity);
// The FMA-peak kernel runs in every round too: on a shared machine the ratio to it is steadier
// than the absolute rate.
const fmaSpec = fmaKernel(4);
const fmaOut = engine.empty([65536]);
const fmaFlops = 65536 * 2000 * 4 * 8;
let fmaBest = Infinity;
for (let r = 0; r <= rounds; r++) {
  for (const [ci, wg] of configs.entries()) {
    const { profile } = await engine.profile(() =>
      gemmStrided(engine, {
        a, b: a, out, m: N, n: N, k: N, batchShape: [],
        aLayout: { rowStride: N, colStride: 1, batchStrides: [] },
        bLayout: { rowStride: N, colStride: 1, batchStrides: [] },
        outLayout: { rowStride: N, colStride: 1, batchStrides: [] },
        variant: 'register', registerTile: { wg },
      }),
    );
    if (r > 0) best[ci] = Math.min(best[ci]!, profile.totalMs); // round 0 compiles
  }
  const { profile } = await engine.profile(() => engine.launch({
    op: 'fma_peak', kernel: fmaSpec, uniforms: { iters: 2000, seed: 1 }, buffers: [fmaOut], workgroups: { linear: 1024 }, cost: { flops: fmaFlops, bytes: 0 },
  }));
  if (r > 0) fmaBest = Math.min(fmaBest, profile.totalMs);
}
for (const [ci, wg] of configs.entries()) {
  const ms = best[ci]!;
  const gf = (2 * N ** 3) / ms / 1e6;
  console.log(`wg=${wg}: best ${ms.toFixed(1)} ms, ${gf.toFixed(2)} GFLOP/s, ${((100 * gf) / (fmaFlops / fmaBest / 1e6)).toFixed(1)}% of FMA peak`);
}
a.dispose();
out.dispose();
fmaOut.dispose();
console.log(`fma peak (best) ${(fmaFlops / fmaBest / 1e6).toFixed(2)} GFLOP/s`);
await engine.dispose();
