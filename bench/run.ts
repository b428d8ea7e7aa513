// Runs the benchmarks in one process on one adapter, prints a table and writes
// bench/results/<adapter-slug>.json. `npm run bench -- matmul elementwise` runs only the named
// benches (substring match) and writes <adapter-slug>.<names>.json; with no names, all of them
// (about 12-15 minutes on a 2-core lavapipe machine: rg and linalg take most of it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuEnv } from '../scripts/gpu-env.mjs';

// Must precede the first Dawn call: the Vulkan loader reads these at start.
Object.assign(process.env, gpuEnv());

const { createEngine } = await import('../src/index.js');
const { rate } = await import('./lib.js');
const { createTf } = await import('./tfjs.js');
const { fmaBench, fmaPeak } = await import('./fma.js');
const { matmulBench } = await import('./matmul.js');
const { elementwiseBench } = await import('./elementwise.js');
const { reduceBench } = await import('./reduce.js');
const { einsumBench } = await import('./einsum.js');
const { linalgBench } = await import('./linalg.js');
const { diffusionBench } = await import('./diffusion.js');
const { rgBench } = await import('./rg.js');
const { loadsBench } = await import('./loads.js');
type Measurement = import('./lib.js').Measurement;
type TfContext = import('./tfjs.js').TfContext;

const all = [fmaBench, loadsBench, matmulBench, elementwiseBench, reduceBench, einsumBench, linalgBench, diffusionBench, rgBench];
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = filters.length ? all.filter((b) => filters.some((f) => b.name.includes(f))) : all;
if (selected.length === 0) {
  console.error(`no bench matches ${filters.join(', ')}; benches: ${all.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
// The matmul bench reports % of FMA peak, so the peak is measured whenever matmul runs.
if (selected.includes(matmulBench) && !selected.includes(fmaBench)) selected.unshift(fmaBench);

const engine = await createEngine();
const adapter = engine.adapter;
const adapterName = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / ');
console.log(`adapter: ${adapterName} (${adapter.kind}); timestamps: ${engine.features.timestamps}`);

const measurements: Measurement[] = [];
const notes: string[] = [];
let tfPromise: Promise<TfContext | null> | null = null;
const ctx = {
  engine,
  record(m: Omit<Measurement, 'gflops' | 'gbps'>): Measurement {
    const ms = m.gpuMs ?? m.wallMs;
    const full: Measurement = { ...m, gflops: m.flops ? rate(m.flops, ms) : undefined, gbps: m.bytes ? rate(m.bytes, ms) : undefined };
    measurements.push(full);
    const r = full.gflops !== undefined ? `${full.gflops.toFixed(2)} GFLOP/s` : full.gbps !== undefined ? `${full.gbps.toFixed(2)} GB/s` : '';
    console.log(`  ${full.case} | ${full.impl} | gpu ${full.gpuMs?.toFixed(2) ?? '-'} ms | wall ${full.wallMs.toFixed(2)} ms | ${r}`);
    return full;
  },
  tf(): Promise<TfContext | null> {
    tfPromise ??= createTf().then(
      (t) => {
        console.log(`tfjs-webgpu adapter: ${t.adapter}`);
        return t;
      },
      (e: Error) => {
        const line = `tfjs-backend-webgpu could not start: ${e.message}`;
        notes.push(line);
        console.log(line);
        return null;
      },
    );
    return tfPromise;
  },
  log(line: string) {
    notes.push(line);
    console.log(line);
  },
};

const t0 = performance.now();
for (const b of selected) {
  console.log(`\n== ${b.name}`);
  const tb = performance.now();
  await b.run(ctx);
  console.log(`   (${((performance.now() - tb) / 1000).toFixed(1)} s)`);
}
const totalS = (performance.now() - t0) / 1000;

// Table: one row per measurement; rates from GPU timestamps where available, wall clock beside.
const rows = measurements.map((m) => {
  const unit = m.flops ? 'GFLOP/s' : 'GB/s';
  const amount = m.flops ?? m.bytes ?? 0;
  const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));
  return [m.case, m.impl, m.gpuMs?.toFixed(2) ?? '-', m.wallMs.toFixed(2), `${fmt(rate(amount, m.gpuMs))} ${unit}`, `${fmt(rate(amount, m.wallMs))} ${unit}`, m.note ?? ''];
});
const header = ['case', 'impl', 'gpu ms', 'wall ms', 'rate (gpu)', 'rate (wall)', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
for (const r of rows) console.log(line(r));
console.log(`\ntotal ${totalS.toFixed(1)} s`);

const slug = (adapterName || 'unknown').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
// A filtered run writes beside the full one instead of replacing it.
const file = join(dir, filters.length ? `${slug}.${selected.map((b) => b.name).join('+')}.json` : `${slug}.json`);
writeFileSync(file, JSON.stringify({
  adapter: { ...adapter, name: adapterName },
  timestamps: engine.features.timestamps,
  date: new Date().toISOString(),
  node: process.version,
  benches: selected.map((b) => b.name),
  fmaPeakGflops: fmaPeak.gflops,
  totalSeconds: totalS,
  notes,
  measurements,
}, null, 2) + '\n');
console.log(`wrote ${file}`);
await engine.dispose();
// tfjs keeps its own device; exit explicitly rather than wait on it.
process.exit(0);
