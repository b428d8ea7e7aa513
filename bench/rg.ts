// rg: speed of the Laplacian RG pipeline (src/rg/pipeline.ts).
//
// (1) The CLI's default run (DEFAULT_NETWORK, the CLI's default options) inside engine.profile:
//     the first run apart (it compiles the shaders the pipeline needs, unless an earlier bench
//     did), then the median of REPS runs, per stage from runRg's own timings. profile.totalMs
//     is GPU kernel time; wall minus that is host time. runRg's stages cannot be profiled one by
//     one from outside, so the GPU time of each stage comes from a replay that issues the same GPU
//     calls stage by stage, each in its own engine.profile (same graph, same arguments, same
//     order); the replay must reproduce runRg's supernode counts, and its stage GPU times must
//     add up to the full run's.
// (2) The same pipeline in float64 numpy/scipy, one BLAS thread (bench/rg_reference.py through python3, skipped
//     when absent) on the same edge list: time per stage, ours/theirs, and whether the peaks and
//     supernode counts agree.
// (3) SLQ entropy sweeps (src/ops/lanczos.ts slq, 256 taus, the CLI's 32 probes x 48 Lanczos
//     steps) on Barabasi-Albert (m = 3) and periodic 2-D lattice graphs of ~1e4 and ~1e5 nodes;
//     the growth exponent of the time in N and in edges from the two sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../src/index.js';
import type { KernelProfile } from '../runtime/scheduler.js';
import { DEFAULT_NETWORK } from '../src/cli/rg.js';
import { generate } from '../src/graph/generate-spec.js';
import { barabasiAlbert, lattice } from '../src/graph/generators.js';
import type { Graph } from '../src/graph/graph.js';
import { edgeCount } from '../src/graph/graph.js';
import { graphComponents } from '../src/graph/components.js';
import { contract } from '../src/graph/supernodes.js';
import { laplacianFromEdges } from '../src/ops/sparse.js';
import { slq } from '../src/ops/lanczos.js';
import { spectralThermo } from '../src/ops/spectral.js';
import { runRg, type RgOptions, type RgResult } from '../src/rg/pipeline.js';
import { computeSpectrum, denseSpectrum, symmetricLaplacian, type Spectrum } from '../src/rg/spectrum.js';
import { coarseGrain, heatKernel } from '../src/rg/coarse-grain.js';
import { findPeaks, logGrid, type Peak } from '../src/rg/scales.js';
import { type Bench, type BenchContext, median } from './lib.js';

const REPS = 3;
const SMALL_RUNS = 3;
// numpy's runs take milliseconds: more of them steady the median against other processes.
const PY_REPS = 7;
const STAGES = ['spectrum', 'sweep', 'coarse-graining', 'communities', 'flow'] as const;
// The CLI with no flags passes exactly this (src/cli/rg.ts: an empty slq block, progress off here).
const CLI_OPTIONS: RgOptions = { slq: {} };
const CLI_SLQ = { probes: 32, steps: 48, seed: 1 };
const POINTS = 256;
const PROMINENCE = 0.05;
const MAX_STEPS = 8;

const fmt = (x: number, d = 1) => x.toFixed(d);
// Lavapipe runs on the host's cores, so every figure here depends on what else the machine runs.
const loadNote = () => `${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(0)}%` : '-');

// ---- (1) the default pipeline -----------------------------------------------------------------

interface Replay {
  gpuMs: Record<string, number>;
  supernodes: number[];
  flowLevels: number[];
}

/** Tau grid of a level, as runRg builds it by default. */
function gridOf(spec: Spectrum): Float64Array {
  return logGrid(1e-3 / Math.max(spec.lmax, 1e-12), 1e3 / Math.max(spec.l2, 1e-12), POINTS);
}

async function peaksOn(engine: Engine, spec: Spectrum, taus: Float64Array): Promise<Peak[]> {
  const nodes = engine.tensor(Float32Array.from(spec.measure.nodes));
  try {
    const th = await spectralThermo(nodes, taus);
    return findPeaks(spec.measure, taus, th.C, PROMINENCE);
  } finally {
    nodes.dispose();
  }
}

/**
 * runRg's GPU work with the default options (dense spectrum with vectors, unweighted metagraph,
 * first-peak flow), stage by stage, each stage in its own engine.profile. Host work that only
 * builds reports (linkage, ordering, error bounds of the sweep) is left out: it launches no kernel.
 */
async function replayStages(engine: Engine, g: Graph): Promise<Replay> {
  const gpuMs: Record<string, number> = {};
  const stage = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const { result, profile } = await engine.profile(f);
    gpuMs[name] = (gpuMs[name] ?? 0) + profile.totalMs;
    return result;
  };
  const comps = graphComponents(g);
  const spec = await stage('spectrum', () => computeSpectrum(engine, g, { method: 'dense', components: comps.count, vectors: true, normalized: false, slq: CLI_SLQ }));
  try {
    const taus = gridOf(spec);
    const peaks = await stage('sweep', () => peaksOn(engine, spec, taus));
    const supernodes: number[] = [];
    await stage('coarse-graining', async () => {
      for (const p of peaks) {
        supernodes.push((await coarseGrain(engine, spec, comps.count, p.tau)).count);
      }
    });
    if (peaks.length && g.n >= 3) await stage('communities', () => heatKernel(engine, spec.vectors!, spec.eigenvalues!, peaks[0]!.tau));
    const flowLevels: number[] = [];
    await stage('flow', async () => {
      let level: Graph = g;
      let lvl: Spectrum = spec;
      let levelPeaks = peaks;
      for (let step = 0; ; step++) {
        flowLevels.push(level.n);
        const lc = step === 0 ? comps : graphComponents(level);
        if (step > 0) {
          lvl = await denseSpectrum(engine, symmetricLaplacian(level, false), level.n, { method: 'dense', components: lc.count, vectors: true });
          levelPeaks = await peaksOn(engine, lvl, gridOf(lvl));
        }
        try {
          const tau = levelPeaks[0]?.tau;
          if (level.n <= 1 || step >= MAX_STEPS || tau === undefined) break;
          const cg = await coarseGrain(engine, lvl, lc.count, tau);
          if (cg.count === level.n) break;
          level = contract(level, cg.labels, cg.count, 'unweighted');
        } finally {
          if (step > 0) lvl.vectors?.dispose();
        }
      }
    });
    return { gpuMs, supernodes, flowLevels };
  } finally {
    spec.vectors?.dispose();
  }
}

interface PipelineFigures {
  result: RgResult;
  wallMs: number;
  bestMs: number;
  stageMs: Record<string, number>;
}

async function pipelineBench(ctx: BenchContext, g: Graph): Promise<PipelineFigures> {
  const { engine } = ctx;
  const caseName = (what: string) => `rg default N=${g.n} ${what}`;
  const stageSum = (t: Record<string, number>) => STAGES.reduce((s, k) => s + (t[k] ?? 0) * 1000, 0);

  const first = await engine.profile(() => runRg(engine, g, CLI_OPTIONS));
  const fr = first.result;
  ctx.record({
    bench: 'rg', case: caseName('first run'), impl: 'diffrg', size: g.n, gpuMs: first.profile.totalMs, wallMs: first.profile.wallMs, reps: 1,
    note: `includes shader module and pipeline creation for the pipeline's kernels (those no earlier bench created; lavapipe's LLVM step may hit Mesa's on-disk shader cache); stages ${STAGES.map((k) => `${k} ${fmt((fr.timings[k] ?? 0) * 1000, 0)}`).join(', ')} ms`,
  });

  const walls: number[] = [];
  const gpus: number[] = [];
  const others: number[] = [];
  const stages: Record<string, number[]> = {};
  let last = fr;
  let kernels: KernelProfile[] = [];
  for (let r = 0; r < REPS; r++) {
    const { result, profile } = await engine.profile(() => runRg(engine, g, CLI_OPTIONS));
    walls.push(profile.wallMs);
    gpus.push(profile.totalMs);
    for (const [k, v] of Object.entries(result.timings)) (stages[k] ??= []).push(v * 1000);
    others.push(profile.wallMs - stageSum(result.timings));
    last = result;
    kernels = profile.kernels;
  }
  const wallMs = median(walls);
  const gpuMs = median(gpus);
  const stageMs: Record<string, number> = {};
  for (const k of STAGES) stageMs[k] = stages[k] ? median(stages[k]!) : 0;

  // The replay is timed REPS times too: single lavapipe timings vary by tens of percent on a loaded machine.
  const replays: Replay[] = [];
  for (let r = 0; r < REPS; r++) replays.push(await replayStages(engine, g));
  const replay: Replay = { ...replays[0]!, gpuMs: Object.fromEntries(STAGES.map((k) => [k, median(replays.map((x) => x.gpuMs[k] ?? 0))])) };
  const ours = last.coarseGrainings.map((c) => c.supernodes);
  const flowOurs = last.flow.map((f) => f.n);
  const same = replays.every((x) => JSON.stringify(ours) === JSON.stringify(x.supernodes) && JSON.stringify(flowOurs) === JSON.stringify(x.flowLevels));
  const replayGpu = STAGES.reduce((s, k) => s + (replay.gpuMs[k] ?? 0), 0);
  // Lavapipe's "GPU" is the same 2 CPU cores; a stage whose replayed GPU time exceeds runRg's wall for it is timing noise.
  const host = (k: string) => {
    const h = stageMs[k]! - (replay.gpuMs[k] ?? 0);
    return h >= 0 ? `${fmt(h, 0)} ms` : `~0 ms (the replay's GPU time exceeds the stage's wall by ${fmt(-h, 0)} ms: noise)`;
  };

  ctx.record({
    bench: 'rg', case: caseName('total'), impl: 'diffrg', size: g.n, gpuMs, wallMs, reps: REPS,
    note: `median of ${REPS} after the first run; GPU kernels ${pct(gpuMs, wallMs)} of wall, host ${pct(wallMs - gpuMs, wallMs)}; method ${last.sweep.method}, ${last.scales.peaks.length} C peaks, supernodes ${ours.join('/')}, flow ${flowOurs.join('>')}`,
  });
  for (const k of STAGES) {
    const gk = replay.gpuMs[k] ?? 0;
    ctx.record({
      bench: 'rg', case: caseName(`stage ${k}`), impl: 'diffrg', size: g.n, gpuMs: gk, wallMs: stageMs[k]!, reps: REPS,
      note: `wall: median of runRg timings; gpu: median of ${REPS} stage replays; host ${host(k)} (${pct(Math.max(0, stageMs[k]! - gk), stageMs[k]!)})`,
    });
  }
  const other = median(others);
  ctx.log(`rg default (${DEFAULT_NETWORK}): N=${g.n}, edges ${edgeCount(g)}, ${engine.adapter.description || engine.adapter.vendor}; ${loadNote()}`);
  ctx.log(`rg default: first run ${fmt(first.profile.wallMs, 0)} ms wall (GPU ${fmt(first.profile.totalMs, 0)} ms); then median ${fmt(wallMs, 0)} ms wall, GPU kernels ${fmt(gpuMs, 0)} ms (${pct(gpuMs, wallMs)}), host ${fmt(wallMs - gpuMs, 0)} ms (${pct(wallMs - gpuMs, wallMs)})`);
  ctx.log(`rg default per stage (wall ms / GPU ms / host): ${STAGES.map((k) => `${k} ${fmt(stageMs[k]!, 0)} / ${fmt(replay.gpuMs[k] ?? 0, 0)} / ${host(k)}`).join('; ')}; outside the stages (peak finding, plateaus, ordering, profiling) ${fmt(other, 0)} ms`);
  ctx.log(`rg default: stage replay ${same ? 'reproduces' : 'DOES NOT reproduce'} runRg (supernodes ${replay.supernodes.join('/')} vs ${ours.join('/')}, flow ${replay.flowLevels.join('>')} vs ${flowOurs.join('>')}); its stage GPU times add to ${fmt(replayGpu, 0)} ms vs ${fmt(gpuMs, 0)} ms for the whole run`);
  ctx.log(`rg default: top kernels ${kernels.slice(0, 6).map((k) => `${k.name} ${fmt(k.totalMs, 0)} ms x${k.count}`).join(', ')}`);
  return { result: last, wallMs, bestMs: Math.min(...walls), stageMs };
}

// ---- (2) numpy/scipy side by side ---------------------------------------------------------------

interface Reference {
  numpy: string;
  scipy: string;
  cpus: number;
  reps: number;
  first: Record<string, number>;
  median: Record<string, number>;
  min: Record<string, number>;
  result: { l2: number; lmax: number; peaks: number[]; supernodes: number[]; communities: number | null; flowLevels: number[] };
}

async function referenceBench(ctx: BenchContext, g: Graph, ours: PipelineFigures): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'diffrg-rg-bench-'));
  try {
    const file = join(dir, 'edges.txt');
    const lines = [String(g.n)];
    for (let k = 0; k < g.src.length; k++) lines.push(`${g.src[k]} ${g.dst[k]} ${g.weight[k]}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const script = fileURLToPath(new URL('./rg_reference.py', import.meta.url));
    const r = spawnSync('python3', [script, file, '--reps', String(PY_REPS), '--points', String(POINTS), '--prominence', String(PROMINENCE), '--steps', String(MAX_STEPS)], {
      encoding: 'utf8', timeout: 120_000,
      // One BLAS thread: on this 2-core machine threaded OpenBLAS made a 256 x 256 eigh 3x slower
      // at the median (24 vs 7 ms) and up to 30x slower whenever other processes ran.
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    if (r.status !== 0 || r.error) {
      const why = r.error?.message ?? (r.stderr.trim().split('\n').pop() || `exit ${r.status}`);
      ctx.log(`rg: numpy/scipy comparison skipped: python3 with numpy and scipy unavailable (${why})`);
      return;
    }
    const ref = JSON.parse(r.stdout) as Reference;
    const impl = `numpy ${ref.numpy} / scipy ${ref.scipy}`;
    const ratios: string[] = [];
    for (const k of [...STAGES, 'peaks', 'total'] as const) {
      const theirs = ref.median[k]! * 1000;
      const mine = k === 'total' ? ours.wallMs : k === 'peaks' ? undefined : ours.stageMs[k]!;
      ctx.record({
        bench: 'rg', case: `rg default N=${g.n} ${k === 'total' ? 'total' : `stage ${k}`}`, impl, size: g.n, gpuMs: null, wallMs: theirs, reps: ref.reps,
        note: k === 'peaks' ? 'peak finding and refinement (in our pipeline: outside the timed stages)' : k === 'spectrum' ? 'dense L + numpy.linalg.eigh (values and vectors)' : `float64, 1 BLAS thread`,
      });
      if (mine !== undefined) ratios.push(`${k} ${fmt(mine, 0)}/${fmt(theirs, 0)} ms = ${fmt(mine / theirs, 1)}x`);
    }
    ctx.log(`rg vs ${impl} (float64, 1 BLAS thread; medians of ${ref.reps} after a first run of ${fmt(ref.first.total! * 1000, 0)} ms), ours/theirs: ${ratios.join('; ')}`);
    // Medians of each stage and of the total come from different runs; the minima show the cost without other processes' interference.
    ctx.log(`rg: fastest of ${ref.reps} numpy/scipy runs: total ${fmt(ref.min.total! * 1000, 1)} ms (${[...STAGES, 'peaks'].map((k) => `${k} ${fmt(ref.min[k]! * 1000, 1)}`).join(', ')} ms); ours fastest ${fmt(ours.bestMs, 0)} ms = ${fmt(ours.bestMs / (ref.min.total! * 1000), 1)}x`);
    const res = ours.result;
    const ourCounts = res.coarseGrainings.map((c) => c.supernodes);
    const ourPeaks = res.scales.peaks.map((p) => p.tau);
    const peakDiff = ourPeaks.length === ref.result.peaks.length ? Math.max(0, ...ourPeaks.map((t, i) => Math.abs(t / ref.result.peaks[i]! - 1))) : NaN;
    const agree = JSON.stringify(ourCounts) === JSON.stringify(ref.result.supernodes);
    const flowAgree = JSON.stringify(res.flow.map((f) => f.n)) === JSON.stringify(ref.result.flowLevels);
    ctx.log(
      `rg vs numpy/scipy results: C peaks ${ourPeaks.length} vs ${ref.result.peaks.length}` +
        (Number.isFinite(peakDiff) ? ` (max relative tau difference ${peakDiff.toExponential(1)})` : '') +
        `; supernodes per peak ${ourCounts.join('/')} vs ${ref.result.supernodes.join('/')}: ${agree ? 'agree' : 'DISAGREE'}` +
        `; flow ${res.flow.map((f) => f.n).join('>')} vs ${ref.result.flowLevels.join('>')}: ${flowAgree ? 'agree' : 'DISAGREE'}` +
        `; communities ${res.communities?.clusters ?? '-'} vs ${ref.result.communities ?? '-'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- (3) SLQ entropy sweeps on sparse graphs ------------------------------------------------------

interface SweepCase {
  family: string;
  make: () => Graph;
}

async function slqBench(ctx: BenchContext): Promise<void> {
  const { engine } = ctx;
  const taus = logGrid(1e-4, 1e6, POINTS);
  // Compile the Lanczos kernels first, so the first measured size does not pay for it.
  {
    const g = barabasiAlbert({ n: 500, m: 3, seed: 2 });
    const L = await laplacianFromEdges(engine, g.n, { src: g.src, dst: g.dst, weight: g.weight });
    try {
      await slq(L, { taus, probes: 4, steps: 8, seed: 1 });
    } finally {
      L.dispose();
    }
  }
  // ~1e4 nodes: SMALL_RUNS runs, median (single runs there ranged 7-41 s on the loaded 2-core
  // machine this was written on); ~1e5: one run (2-3 minutes, long enough to average the noise).
  const families: { family: string; sizes: SweepCase[] }[] = [
    {
      family: 'Barabasi-Albert m=3',
      sizes: [10_000, 100_000].map((n) => ({ family: 'ba', make: () => barabasiAlbert({ n, m: 3, seed: 1 }) })),
    },
    {
      family: '2-D periodic lattice',
      sizes: [100, 316].map((L) => ({ family: 'lattice', make: () => lattice({ L, d: 2 }) })),
    },
  ];
  for (const fam of families) {
    const pts: { n: number; edges: number; s: number; gpuS: number }[] = [];
    for (const [ci, c] of fam.sizes.entries()) {
      let t = performance.now();
      const g = c.make();
      const genMs = performance.now() - t;
      t = performance.now();
      const L = await laplacianFromEdges(engine, g.n, { src: g.src, dst: g.dst, weight: g.weight });
      await engine.sync();
      const lapMs = performance.now() - t;
      const load = loadNote();
      try {
        const runs = ci === 0 ? SMALL_RUNS : 1;
        const walls: number[] = [];
        const gpus: number[] = [];
        const kernelRuns: KernelProfile[][] = [];
        let shape = '';
        for (let r = 0; r < runs; r++) {
          const { result, profile } = await engine.profile(() => slq(L, { taus, ...CLI_SLQ }));
          walls.push(profile.wallMs);
          gpus.push(profile.totalMs);
          kernelRuns.push(profile.kernels);
          shape = `${result.probes} probes x ${result.steps} steps`;
        }
        const edges = edgeCount(g);
        const wallMs = median(walls);
        const gpuMs = median(gpus);
        // Kernel breakdown of the median run (odd run counts: one run has the median wall time).
        const kernels = kernelRuns[walls.indexOf(walls.length % 2 ? wallMs : walls[0]!)]!;
        pts.push({ n: g.n, edges, s: wallMs / 1000, gpuS: gpuMs / 1000 });
        const top = kernels.slice(0, 4).map((k) => `${k.name} ${fmt(k.totalMs / 1000, 1)} s`).join(', ');
        ctx.record({
          bench: 'rg', case: `slq sweep ${c.family} N=${g.n}`, impl: 'diffrg', size: g.n, gpuMs, wallMs, reps: runs,
          note: `${edges} edges, ${shape}, ${POINTS} taus${runs > 1 ? `; runs ${walls.map((w) => fmt(w / 1000, 1)).join(', ')} s` : ''}; host generator ${fmt(genMs, 0)} ms, Laplacian build+upload ${fmt(lapMs, 0)} ms (not included); ${load}; top kernels: ${top}`,
        });
      } finally {
        L.dispose();
      }
    }
    const [a, b] = pts as [(typeof pts)[0], (typeof pts)[0]];
    const expN = Math.log(b.s / a.s) / Math.log(b.n / a.n);
    const expE = Math.log(b.s / a.s) / Math.log(b.edges / a.edges);
    const expGpu = Math.log(b.gpuS / a.gpuS) / Math.log(b.n / a.n);
    ctx.log(
      `slq sweep ${fam.family} (${CLI_SLQ.probes} probes x ${CLI_SLQ.steps} steps, ${POINTS} taus): N=${a.n} ${fmt(a.s, 1)} s (GPU ${pct(a.gpuS, a.s)}), N=${b.n} ${fmt(b.s, 1)} s (GPU ${pct(b.gpuS, b.s)}); ` +
        `time ~ N^${expN.toFixed(2)} ~ edges^${expE.toFixed(2)} (GPU time ~ N^${expGpu.toFixed(2)}) between these two sizes`,
    );
  }
}

export const rgBench: Bench = {
  name: 'rg',
  async run(ctx) {
    const g = generate(DEFAULT_NETWORK);
    const ours = await pipelineBench(ctx, g);
    await referenceBench(ctx, g, ours);
    await slqBench(ctx);
  },
};
