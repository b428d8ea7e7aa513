import { gpuEnv } from '/work/main/scripts/gpu-env.mjs';
Object.assign(process.env, gpuEnv());
const { createEngine, expm, expmPlan, taylorProgram, matmul } = await import('/work/main/src/index.js');
const engine = await createEngine();
for (const n of (process.argv[2] ?? '512').split(',').map(Number)) {
  const ad = new Float32Array(n * n).map((_, i) => (8 * ((((i * 2654435761) >>> 0) / 2 ** 32) - 0.5)) / Math.sqrt(n));
  let norm1 = 0;
  for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(ad[i * n + j]!); norm1 = Math.max(norm1, s); }
  const plan = expmPlan(norm1);
  const products = taylorProgram(plan.degree).filter((st: { op: string }) => st.op === 'mul').length + plan.s;
  const a = engine.tensor(ad, [n, n]);
  const time = async (f: () => Promise<void>) => { let best = Infinity; for (let r = 0; r < 4; r++) { const { profile } = await engine.profile(f); if (r > 0) best = Math.min(best, profile.totalMs); } return best; };
  const mm = await time(async () => (await matmul(a, a)).dispose());
  const ex = await time(async () => (await expm(a)).dispose());
  const { profile } = await engine.profile(async () => (await expm(a)).dispose());
  console.log(`n=${n} degree ${plan.degree} s=${plan.s} products ${products}: matmul ${mm.toFixed(1)} ms, expm ${ex.toFixed(1)} ms, ratio ${(ex / (products * mm)).toFixed(2)}`);
  for (const k of profile.kernels) console.log('  ', k.name, k.count, k.totalMs.toFixed(1));
  a.dispose();
}
await engine.dispose();
