// einsum: (a) two-operand equations against @tensorflow/tfjs-core's tf.einsum on
// tfjs-backend-webgpu (same adapter, same process), plus tf.matMul where the equation is a
// matrix product, and the equations tfjs rejects; (b) planned path versus left-to-right on a
// 6-operand chain and a ring of 8 tensors; (c) numpy.einsum(optimize='optimal') on the same
// equations and shapes through python3 (skipped when python3/numpy is missing); (d) greedy
// planning time for random 20- and 50-operand networks.
//
// tfjs's einsum kernel transposes each operand, multiplies them broadcast into the tensor of
// ALL indices (m*k*n elements for a matrix product) and then sums: its intermediate must fit
// one storage binding (128 MiB on lavapipe), so larger products fail with a WebGPU validation
// error that tfjs does not raise (the result is silently wrong). Every tfjs run here is inside
// validation / out-of-memory error scopes, and its result is compared with ours once.
//
// tfjs batches its dispatches in one open compute pass; waiting for it means ending that pass,
// submitting and waiting for the queue (tfjsFinish below).
import { spawnSync } from 'node:child_process';
import type * as TfCore from '@tensorflow/tfjs-core';
import { einsum, einsumPath, matmul, planNetwork, type Tensor, type ContractionPath } from '../src/index.js';
import { type Bench, type BenchContext, type Measurement, median, timeOurs, data } from './lib.js';
import type { TfContext } from './tfjs.js';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

interface Case {
  eq: string;
  shapes: number[][];
  /** The same product written for tf.matMul, where there is one. */
  matmul?: { transA?: boolean; transB?: boolean };
}

// (a) two-operand equations tfjs's einsum accepts.
const TWO_OPERAND: Case[] = [
  { eq: 'ij,jk->ik', shapes: [[256, 256], [256, 256]], matmul: {} },
  { eq: 'ij,jk->ik', shapes: [[512, 512], [512, 512]], matmul: {} },
  { eq: 'ij,jk->ik', shapes: [[1024, 1024], [1024, 1024]], matmul: {} },
  { eq: 'bij,bjk->bik', shapes: [[16, 128, 128], [16, 128, 128]], matmul: {} },
  { eq: 'bij,bjk->bik', shapes: [[16, 256, 256], [16, 256, 256]], matmul: {} },
  { eq: 'ji,jk->ik', shapes: [[256, 256], [256, 256]], matmul: { transA: true } },
  { eq: 'ji,jk->ik', shapes: [[512, 512], [512, 512]], matmul: { transA: true } },
  { eq: 'ij,kj->ik', shapes: [[256, 256], [256, 256]], matmul: { transB: true } },
  { eq: 'ij,kj->ik', shapes: [[512, 512], [512, 512]], matmul: { transB: true } },
  { eq: 'i,j->ij', shapes: [[2048], [2048]] },
  { eq: 'i,i->', shapes: [[1 << 20], [1 << 20]] },
];

// Equations (with shapes) that tfjs's einsum is tried on and expected to reject.
const TFJS_UNSUPPORTED: [string, number[][]][] = [
  ['ii->', [[8, 8]]],
  ['ii->i', [[8, 8]]],
  ['ij,jk,kl->il', [[4, 5], [5, 6], [6, 7]]],
  ['...ij,...jk->...ik', [[2, 4, 5], [2, 5, 6]]],
  ['ij,jk', [[4, 5], [5, 6]]],
  ['ij->ii', [[4, 4]]],
  ['ij,ij->ii', [[4, 4], [4, 4]]],
  ['iij,jk->ik', [[3, 3, 4], [4, 5]]],
  ['ij->j', [[4, 5]]],
];

// (b) networks where the order matters. Chain A1..A6 (matrices, the last one thin) and a ring of
// 8 three-index tensors: ring bonds a..h (size 16), and a cross bond between opposite tensors
// (i, j, k, l; size 8), so contracting left to right keeps every cross bond open.
const CHAIN: Case = {
  eq: 'ab,bc,cd,de,ef,fg->ag',
  shapes: [[300, 200], [200, 250], [250, 180], [180, 220], [220, 160], [160, 6]],
};
const RING: Case = {
  eq: 'abi,bcj,cdk,del,efi,fgj,ghk,hal->',
  shapes: [[16, 16, 8], [16, 16, 8], [16, 16, 8], [16, 16, 8], [16, 16, 8], [16, 16, 8], [16, 16, 8], [16, 16, 8]],
};

const leftToRight = (n: number): ContractionPath => Array.from({ length: n - 1 }, () => [0, 1]);

function caseName(c: Case): string {
  return `${c.eq} ${c.shapes.map((s) => s.join('x')).join(',')}`;
}

/** Flops of the plain product: 2 per multiply-add (one per multiply when nothing is summed). */
function caseFlops(c: Case): number {
  return einsumPath(c.eq, c.shapes, { path: 'optimal' }).flops;
}

type TfBackend = { device: GPUDevice; commandEncoder: GPUCommandEncoder | null; ensureCommandEncoderReady(): void; endComputePassEncoder(): void; submitQueue(): void };

/** Ends tfjs's open compute pass, submits and waits for the GPU. */
async function tfjsFinish(tf: typeof TfCore): Promise<void> {
  const be = tf.backend() as unknown as TfBackend;
  be.ensureCommandEncoderReady();
  be.endComputePassEncoder();
  be.submitQueue();
  await be.device.queue.onSubmittedWorkDone();
}

/** Runs fn once under validation and out-of-memory error scopes; the first error message, or null. */
async function tfjsScoped(tf: typeof TfCore, fn: () => TfCore.Tensor): Promise<{ out: TfCore.Tensor | null; error: string | null }> {
  const dev = (tf.backend() as unknown as TfBackend).device;
  dev.pushErrorScope('validation');
  dev.pushErrorScope('out-of-memory');
  let out: TfCore.Tensor | null = null;
  let thrown: string | null = null;
  try {
    out = fn();
  } catch (e) {
    thrown = (e as Error).message;
  }
  try {
    await tfjsFinish(tf);
  } catch (e) {
    thrown ??= (e as Error).message;
  }
  const oom = await dev.popErrorScope();
  const val = await dev.popErrorScope();
  const gpuError = oom?.message ?? val?.message ?? null;
  return { out, error: thrown ?? (gpuError ? gpuError.split('\n')[0]! : null) };
}

/** Median wall ms of tfjs fn (submit to GPU done), after one warm run; GPU kernel ms from tf.time where available. */
async function timeTfjs(tf: typeof TfCore, fn: () => TfCore.Tensor, reps: number): Promise<{ gpuMs: number | null; wallMs: number; reps: number }> {
  const t0 = performance.now();
  (await tfjsScoped(tf, fn)).out?.dispose();
  // Runs of seconds (tf.einsum's broadcast product on a CPU adapter): 3 wall-clock runs, no tf.time pass.
  const slow = performance.now() - t0 > 1000;
  if (slow) reps = Math.min(reps, 3);
  const wall: number[] = [];
  const gpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    await tfjsFinish(tf);
    const t0 = performance.now();
    const out = fn();
    await tfjsFinish(tf);
    wall.push(performance.now() - t0);
    out.dispose();
    if (slow) continue;
    let o2: TfCore.Tensor | null = null;
    const t = await tf.time(() => {
      o2 = fn();
    });
    await tfjsFinish(tf);
    (o2 as TfCore.Tensor | null)?.dispose();
    if (typeof t.kernelMs === 'number' && t.kernelMs > 0) gpu.push(t.kernelMs);
  }
  return { gpuMs: gpu.length === reps ? median(gpu) : null, wallMs: median(wall), reps };
}

/** Largest |ours - theirs| relative to max |ours|. */
function relDiff(ours: Float32Array, theirs: Float32Array | Int32Array | Uint8Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < ours.length; i++) {
    d = Math.max(d, Math.abs(ours[i]! - theirs[i]!));
    m = Math.max(m, Math.abs(ours[i]!));
  }
  return m > 0 ? d / m : d;
}

async function timeEinsum(ctx: BenchContext, c: Case, ts: Tensor[], opts: object, reps: number): Promise<{ gpuMs: number | null; wallMs: number }> {
  return timeOurs(ctx.engine, async () => (await einsum(c.eq, ...ts, opts)).dispose(), reps);
}

async function twoOperand(ctx: BenchContext, tfc: TfContext | null, numpyMs: Map<string, number>): Promise<void> {
  const { engine, record, log } = ctx;
  const tf = tfc?.tf ?? null;
  for (const c of TWO_OPERAND) {
    const name = caseName(c);
    const flops = caseFlops(c);
    const reps = flops > 5e8 ? 3 : 5;
    const ds = c.shapes.map((s, i) => data(numel(s), 11 + i));
    const ts = ds.map((d, i) => engine.tensor(d, c.shapes[i]));
    const ours = record({ bench: 'einsum', case: name, impl: 'diffrg einsum', size: flops, ...(await timeEinsum(ctx, c, ts, {}, reps)), reps, flops });
    const notes: string[] = [];
    if (c.matmul) {
      // The same product through matmul: what einsum's canonicalisation costs over a direct call.
      const [a, b] = ts as [Tensor, Tensor];
      const t = await timeOurs(engine, async () => (await matmul(a, b, c.matmul)).dispose(), reps);
      const m = record({ bench: 'einsum', case: name, impl: 'diffrg matmul', size: flops, ...t, reps, flops });
      notes.push(`einsum / matmul time ${(ours.wallMs / m.wallMs).toFixed(2)} (wall)` + (ours.gpuMs && m.gpuMs ? `, ${(ours.gpuMs / m.gpuMs).toFixed(2)} (gpu)` : ''));
    }
    if (tf) {
      const tts = ds.map((d, i) => tf.tensor(d, c.shapes[i]));
      // tfjs multiplies into one tensor over every index of the equation (then sums).
      const allIdx = einsumPath(c.eq, c.shapes, { path: 'optimal' }).steps[0]!.resultSize * (einsumPath(c.eq, c.shapes, { path: 'optimal' }).steps[0]!.contractionLength);
      const first = await tfjsScoped(tf, () => tf.einsum(c.eq, ...tts));
      if (first.error) {
        first.out?.dispose();
        const msg = `tf.einsum failed: ${first.error} (its broadcast intermediate has ${allIdx} elements = ${(allIdx * 4) / 2 ** 20} MiB)`;
        log(`einsum ${name}: ${msg}`);
        record({ bench: 'einsum', case: name, impl: 'tfjs-webgpu einsum', size: flops, gpuMs: null, wallMs: NaN, reps: 0, note: msg });
        notes.push('tf.einsum failed');
      } else {
        const mine = await einsum(c.eq, ...ts);
        const diff = relDiff((await mine.read()) as Float32Array, (await first.out!.data()) as Float32Array);
        mine.dispose();
        first.out!.dispose();
        const t = await timeTfjs(tf, () => tf.einsum(c.eq, ...tts), reps);
        const theirs = record({ bench: 'einsum', case: name, impl: 'tfjs-webgpu einsum', size: flops, ...t, flops, note: `max |diff| / max |ours| = ${diff.toExponential(1)}` });
        notes.push(`${(theirs.wallMs / ours.wallMs).toFixed(2)}x the speed of tf.einsum (wall)` + (theirs.gpuMs && ours.gpuMs ? `, ${(theirs.gpuMs / ours.gpuMs).toFixed(2)}x (gpu)` : ''));
      }
      if (c.matmul) {
        const [a, b] = tts as [TfCore.Tensor, TfCore.Tensor];
        const mm = () => tf.matMul(a as TfCore.Tensor2D, b as TfCore.Tensor2D, c.matmul!.transA, c.matmul!.transB);
        const chk = await tfjsScoped(tf, mm);
        chk.out?.dispose();
        if (chk.error) {
          record({ bench: 'einsum', case: name, impl: 'tfjs-webgpu matMul', size: flops, gpuMs: null, wallMs: NaN, reps: 0, note: `failed: ${chk.error}` });
        } else {
          const t = await timeTfjs(tf, mm, reps);
          const theirs = record({ bench: 'einsum', case: name, impl: 'tfjs-webgpu matMul', size: flops, ...t, flops });
          notes.push(`${(theirs.wallMs / ours.wallMs).toFixed(2)}x the speed of tf.matMul (wall)` + (theirs.gpuMs && ours.gpuMs ? `, ${(theirs.gpuMs / ours.gpuMs).toFixed(2)}x (gpu)` : ''));
        }
      }
      tts.forEach((t) => t.dispose());
    }
    const np = numpyMs.get(name);
    if (np !== undefined) {
      record({ bench: 'einsum', case: name, impl: `numpy einsum ${numpyStrategy(c)} (CPU)`, size: flops, gpuMs: null, wallMs: np, reps: 5, flops });
      notes.push(`${(np / ours.wallMs).toFixed(2)}x numpy (wall)`);
    }
    ours.note = notes.join('; ');
    ts.forEach((t) => t.dispose());
  }
}

async function unsupported(ctx: BenchContext, tf: typeof TfCore): Promise<void> {
  for (const [eq, shapes] of TFJS_UNSUPPORTED) {
    const ts = shapes.map((s, i) => tf.tensor(data(numel(s), 3 + i), s));
    const r = await tfjsScoped(tf, () => tf.einsum(eq, ...ts));
    r.out?.dispose();
    ts.forEach((t) => t.dispose());
    // Ours must do every one of them (except the invalid 'ij->ii' / 'ij,ij->ii', which repeat an output index).
    let oursMsg = 'ok';
    const mine = shapes.map((s, i) => ctx.engine.tensor(data(numel(s), 3 + i), s));
    try {
      (await einsum(eq, ...mine)).dispose();
    } catch (e) {
      oursMsg = `rejects too: ${(e as Error).message}`;
    }
    mine.forEach((t) => t.dispose());
    const line = `tf.einsum('${eq}') ${r.error ? `rejects it: ${r.error}` : 'accepts it'}; diffrg einsum: ${oursMsg}`;
    ctx.log(line);
    ctx.record({ bench: 'einsum', case: `tfjs support: ${eq}`, impl: 'tfjs-webgpu einsum', size: 0, gpuMs: null, wallMs: NaN, reps: 0, note: line });
  }
}

async function networks(ctx: BenchContext, numpyMs: Map<string, number>): Promise<void> {
  const { engine, record, log } = ctx;
  for (const c of [CHAIN, RING]) {
    const n = c.shapes.length;
    const name = caseName(c);
    const ts = c.shapes.map((s, i) => engine.tensor(data(numel(s), 21 + i), s));
    const l2r = einsumPath(c.eq, c.shapes, { path: leftToRight(n) });
    const results: Measurement[] = [];
    for (const path of ['auto', 'optimal', leftToRight(n)] as const) {
      const label = typeof path === 'string' ? path : 'left-to-right';
      const info = einsumPath(c.eq, c.shapes, { path: path as never });
      const reps = info.flops > 5e8 ? 3 : 5;
      const t = await timeEinsum(ctx, c, ts, { path }, reps);
      results.push(record({
        bench: 'einsum', case: name, impl: `diffrg path=${label}`, size: info.flops, ...t, reps, flops: info.flops,
        note: `path ${JSON.stringify(info.path)}, largest intermediate ${info.largestIntermediate}`,
      }));
    }
    const lr = results[2]!;
    for (const m of results.slice(0, 2)) {
      const flopRatio = l2r.flops / m.flops!;
      m.note += `; left-to-right / planned: flops ${flopRatio.toFixed(1)}x, time ${(lr.wallMs / m.wallMs).toFixed(1)}x (wall)` +
        (lr.gpuMs && m.gpuMs ? `, ${(lr.gpuMs / m.gpuMs).toFixed(1)}x (gpu)` : '');
    }
    log(`einsum ${name}: left-to-right ${l2r.flops.toExponential(2)} flops vs planned ${results[0]!.flops!.toExponential(2)}`);
    const np = numpyMs.get(name);
    if (np !== undefined) {
      record({ bench: 'einsum', case: name, impl: `numpy einsum ${numpyStrategy(c)} (CPU)`, size: results[0]!.flops!, gpuMs: null, wallMs: np, reps: 5, flops: results[0]!.flops });
      results[0]!.note += `; ${(np / results[0]!.wallMs).toFixed(2)}x numpy (wall)`;
    }
    ts.forEach((t) => t.dispose());
  }
}

// numpy's 'optimal' enumerates every contraction order without pruning: on the 8-tensor ring
// (memory cap lifted) it did not finish planning in 2 minutes, so the ring gets 'greedy'.
const numpyStrategy = (c: Case) => (c.shapes.length <= 6 ? 'optimal' : 'greedy');

/** Median ms of numpy.einsum(eq, *ops, optimize=('optimal', 2**40)) per case (5 runs after one warm run); empty when unavailable. numpy's plain 'optimal' caps intermediates at the largest input, which on the ring forbids every pairwise step (it falls back to one 1.4e14-flop loop), so the cap is lifted. */
function numpyTimes(ctx: BenchContext, cases: Case[]): Map<string, number> {
  const out = new Map<string, number>();
  const script = [
    'import json, sys, time',
    'import numpy as np',
    'cases = json.load(sys.stdin)',
    'rng = np.random.default_rng(0)',
    'res = {}',
    'for c in cases:',
    '    ops = [rng.random(s, dtype=np.float32) - 0.5 for s in c["shapes"]]',
    // Default memory limit (the largest input) first: what plain optimize='optimal' would run.
    '    d = np.einsum_path(c["eq"], *ops, optimize="optimal")[0]',
    '    opt = (c["strategy"], 2.0 ** 40)',
    '    path = np.einsum_path(c["eq"], *ops, optimize=opt)[0]',
    '    np.einsum(c["eq"], *ops, optimize=path)',
    '    ts = []',
    '    for _ in range(5):',
    '        t0 = time.perf_counter(); np.einsum(c["eq"], *ops, optimize=opt); ts.append((time.perf_counter() - t0) * 1e3)',
    '    res[c["name"]] = {"ms": sorted(ts)[2], "path": str(path[1:]), "default_path": str(d[1:])}',
    'print(json.dumps({"numpy": np.__version__, "times": res}))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], {
    input: JSON.stringify(cases.map((c) => ({ name: caseName(c), eq: c.eq, shapes: c.shapes, strategy: numpyStrategy(c) }))),
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    ctx.log(`einsum: numpy comparison skipped: python3/numpy unavailable (${why})`);
    return out;
  }
  const parsed = JSON.parse(r.stdout) as { numpy: string; times: Record<string, { ms: number; path: string; default_path: string }> };
  ctx.log(`einsum: numpy ${parsed.numpy} (CPU, this machine), einsum(optimize=('optimal', 2**40)) for comparison`);
  for (const [k, v] of Object.entries(parsed.times)) {
    out.set(k, v.ms);
    ctx.log(`einsum: numpy ${k}: path ${v.path}`);
    if (v.path !== v.default_path) {
      ctx.log(`einsum: numpy ${k}: optimize='optimal' with its default memory limit (the largest input) picks ${v.default_path}; with the limit lifted ${v.path}`);
    }
  }
  return out;
}

/** A connected random network: a random spanning tree plus extra edges, bond sizes 2..8, closed. */
function randomNetwork(n: number, seed: number): { terms: number[][]; sizes: number[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const terms: number[][] = Array.from({ length: n }, () => []);
  const sizes: number[] = [];
  const edge = (x: number, y: number) => {
    const l = sizes.length;
    sizes.push(2 + Math.floor(rnd() * 7));
    terms[x]!.push(l);
    terms[y]!.push(l);
  };
  for (let i = 1; i < n; i++) edge(i, Math.floor(rnd() * i));
  for (let e = 0; e < n; e++) {
    const x = Math.floor(rnd() * n);
    const y = Math.floor(rnd() * n);
    if (x !== y) edge(x, y);
  }
  return { terms, sizes };
}

function planning(ctx: BenchContext): void {
  for (const n of [20, 50]) {
    const net = randomNetwork(n, 1000 + n);
    const times: number[] = [];
    let flops = 0;
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      const info = planNetwork(net.terms, [], net.sizes, 'greedy');
      times.push(performance.now() - t0);
      flops = info.flops;
    }
    ctx.record({
      bench: 'einsum', case: `plan greedy, random network of ${n} tensors (${net.sizes.length} bonds)`, impl: 'diffrg planner (host)', size: n,
      gpuMs: null, wallMs: median(times.slice(1)), reps: 6, note: `planned flops ${flops.toExponential(2)}; host only, no GPU`,
    });
  }
}

export const einsumBench: Bench = {
  name: 'einsum',
  async run(ctx) {
    const numpyMs = numpyTimes(ctx, [...TWO_OPERAND, CHAIN, RING]);
    const tfc = await ctx.tf();
    await twoOperand(ctx, tfc, numpyMs);
    if (tfc) await unsupported(ctx, tfc.tf);
    await networks(ctx, numpyMs);
    planning(ctx);
  },
};
