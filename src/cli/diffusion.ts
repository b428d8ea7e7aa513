// `diffrg diffusion [train|sample|nll|thermo]`: trains a score network by denoising score
// matching on a 2-D (or n-D) data set, then samples it, measures its probability-flow NLL
// against the entropy-production bound, and the entropy rates over t. With no subcommand it
// runs all four and writes report.json, report.html and the SVG figures.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createEngine, type Engine } from '../../runtime/engine.js';
import { ValueError } from '../../runtime/errors.js';
import { ScoreNet, type MlpConfig } from '../ops/nn.js';
import { Sde, type SdeKind } from '../diffusion/sde.js';
import { dataset, normalSampler, type Dataset, type DatasetName } from '../diffusion/datasets.js';
import { trainScoreNet } from '../diffusion/train.js';
import { GmmScore, NetScore } from '../diffusion/score-model.js';
import { probabilityFlowNll } from '../diffusion/ode.js';
import { sampleReverseSde } from '../diffusion/sample.js';
import { entropyProduction } from '../diffusion/thermo.js';
import { renderSvg, type VlSpec } from '../report/render.js';
import { entropyRatesFigure, lossCurveFigure, nllBoundFigure, samplesFigure, type DensityGrid } from '../report/diffusion-figures.js';
import { writeHtmlReport, type Section } from '../report/html.js';
import { Progress } from './progress.js';

const DATASETS: readonly DatasetName[] = ['8gaussians', 'mixture', 'gaussian', 'checkerboard', 'moons', 'swissroll', 'rings', 'uniform'];

const HELP = `usage: diffrg diffusion [train|sample|nll|thermo] [options]

Score-based diffusion on the GPU: trains a score network s(x, t) by denoising score matching,
samples it (reverse SDE), measures -log p(x) by the probability-flow ODE and the
entropy-production bound, and the entropy rates along the process (SCIENCE.md 2).

subcommands:
  (none)                   train, then sample, nll and thermo; writes report.json, report.html
                           and the figures
  train                    train and save the model (model.json + model.bin) and the loss curve
  sample                   samples of the reverse SDE (samples.json, samples.svg)
  nll                      NLL by the probability-flow ODE and the bound (nll.json, nll.svg)
  thermo                   entropy rates over t (thermo.json, rates.svg)
  sample, nll and thermo load --model; without it they train a model first (and say so).

data and process:
  --data NAME              ${DATASETS.join(' | ')} (default 8gaussians: a 2-D
                           Gaussian mixture with an analytic score, so score errors and the
                           exact NLL are measured)
  --dim N                  dimension of gaussian / mixture / uniform (default 1)
  --sde VE|VP              forward SDE (default VE)
  --sigma X                VE sigma_max (default 10)

model and training:
  --hidden N               hidden width (default 64)
  --layers N               hidden layers (default 3)
  --steps N                training steps (default 1500)
  --batch N                minibatch size (default 512)
  --lr X                   AdamW learning rate (default 2e-3)
  --seed N                 seed of the weights, minibatches and samples (default 1)
  --model DIR|FILE         a saved model (model.json or the folder holding it) for sample/nll/thermo

evaluation:
  --samples N              reverse-SDE samples (default 2000)
  --sample-steps N         Euler-Maruyama steps (default 500)
  --nll-points N           held-out points for the NLL (default 1024)
  --ode-steps N            RK4 steps of the probability-flow ODE (default 50)
  --thermo-points N        samples per time for the entropy rates (default 4096)
  --intervals N            Simpson intervals in log-SNR for the rates (even, default 32)

output:
  --out DIR                output folder (default out/diffusion)
  --json                   print the result JSON to stdout as well
  --quiet                  no progress on stderr
  -h, --help               this text
`;

interface Opts {
  data: DatasetName; dim: number; sde: SdeKind; sigma: number; hidden: number; layers: number; steps: number; batch: number; lr: number; seed: number;
  samples: number; sampleSteps: number; nllPoints: number; odeSteps: number; thermoPoints: number; intervals: number;
}

interface SavedModel {
  format: 'diffrg-scorenet-v1';
  config: MlpConfig;
  sde: { kind: SdeKind; sigma: number };
  scaled: boolean;
  data: DatasetName;
  dim: number;
  params: string;
  paramCount: number;
  train?: { steps: number; batch: number; lr: number; seconds: number; stepsPerSecond: number };
}

const sig = (x: number, d = 5) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

function int(name: string, v: string | undefined, def: number, min = 1): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new ValueError('diffusion', `--${name} expects an integer >= ${min}, got '${v}'`);
  return x;
}
function real(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new ValueError('diffusion', `--${name} expects a number, got '${v}'`);
  return x;
}

/** Mean relative squared score error E|s_theta - s|^2 / E|s|^2 at a few t, against the analytic mixture score. */
async function scoreErrors(engine: Engine, model: NetScore, ds: Dataset, sde: Sde, seed: number): Promise<{ t: number; relMse: number }[] | null> {
  if (!ds.mixture) return null;
  const exact = new GmmScore(engine, ds.mixture, sde);
  const n = 4096, d = ds.dim;
  const out: { t: number; relMse: number }[] = [];
  try {
    for (const t of [0.01, 0.05, 0.2, 0.5, 1]) {
      const x0 = ds.sample(n, seed + 500), z = normalSampler(seed + 501);
      const m = sde.mean(t), sd = sde.std(t);
      const xt = Float32Array.from(x0, (v) => m * v + sd * z());
      const x = engine.tensor(xt, [n, d]);
      const a = await model.evaluate(x, t, n, 'none');
      const b = await exact.evaluate(x, t, n, 'none');
      const [sa, sb] = await Promise.all([a.score.read(), b.score.read()]);
      let num = 0, den = 0;
      for (let i = 0; i < n * d; i++) {
        num += (sa[i]! - sb[i]!) ** 2;
        den += sb[i]! ** 2;
      }
      out.push({ t, relMse: num / den });
      for (const tt of [x, a.score, b.score]) tt.dispose();
    }
    return out;
  } finally {
    exact.dispose();
  }
}

/** The data density on a grid over the samples' range: analytic for mixtures, else a histogram of data. */
function densityGrid(ds: Dataset, seed: number, cells = 64): DensityGrid {
  const data = ds.sample(20000, seed + 900);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < data.length; i += ds.dim) for (const v of [data[i]!, data[i + 1]!]) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const pad = 0.15 * (hi - lo);
  lo -= pad;
  hi += pad;
  const h = (hi - lo) / cells;
  const xs = Array.from({ length: cells }, (_, i) => lo + (i + 0.5) * h);
  const values = new Array<number>(cells * cells).fill(0);
  if (ds.mixture && ds.dim === 2) {
    for (let j = 0; j < cells; j++) for (let i = 0; i < cells; i++) values[j * cells + i] = Math.exp(ds.mixture.logDensity([xs[i]!, xs[j]!]));
    return { xs, ys: xs, values, label: 'p(x), analytic' };
  }
  for (let k = 0; k < data.length; k += ds.dim) {
    const i = Math.floor((data[k]! - lo) / h), j = Math.floor((data[k + 1]! - lo) / h);
    if (i >= 0 && i < cells && j >= 0 && j < cells) values[j * cells + i]! += 1;
  }
  return { xs, ys: xs, values, label: 'data count' };
}

async function writeFigure(dir: string, name: string, spec: VlSpec, figures: Record<string, string>, svgs: Record<string, string>): Promise<void> {
  const svg = await renderSvg(spec);
  const path = join(dir, `${name}.svg`);
  writeFileSync(path, svg);
  figures[name] = path;
  svgs[name] = svg;
}

export async function diffusionCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' }, dim: { type: 'string' }, sde: { type: 'string' }, sigma: { type: 'string' },
      hidden: { type: 'string' }, layers: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' },
      seed: { type: 'string' }, model: { type: 'string' }, samples: { type: 'string' }, 'sample-steps': { type: 'string' },
      'nll-points': { type: 'string' }, 'ode-steps': { type: 'string' }, 'thermo-points': { type: 'string' }, intervals: { type: 'string' },
      out: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new ValueError('diffusion', `expected at most one subcommand, got ${positionals.join(' ')}`);
  const sub = positionals[0] ?? 'all';
  if (!['all', 'train', 'sample', 'nll', 'thermo'].includes(sub)) throw new ValueError('diffusion', `unknown subcommand '${sub}' (train, sample, nll, thermo, or none for all)`);
  const data = (values.data ?? '8gaussians') as DatasetName;
  if (!DATASETS.includes(data)) throw new ValueError('diffusion', `--data must be one of ${DATASETS.join(', ')}; got '${values.data}'`);
  const sdeKind = (values.sde ?? 'VE').toUpperCase() as SdeKind;
  if (sdeKind !== 'VE' && sdeKind !== 'VP') throw new ValueError('diffusion', `--sde must be VE or VP, got '${values.sde}'`);
  const o: Opts = {
    data, dim: int('dim', values.dim, 1), sde: sdeKind, sigma: real('sigma', values.sigma, 10),
    hidden: int('hidden', values.hidden, 64), layers: int('layers', values.layers, 3), steps: int('steps', values.steps, 1500, 0),
    batch: int('batch', values.batch, 512), lr: real('lr', values.lr, 2e-3), seed: int('seed', values.seed, 1, 0),
    samples: int('samples', values.samples, 2000), sampleSteps: int('sample-steps', values['sample-steps'], 500),
    nllPoints: int('nll-points', values['nll-points'], 1024), odeSteps: int('ode-steps', values['ode-steps'], 50),
    thermoPoints: int('thermo-points', values['thermo-points'], 4096), intervals: int('intervals', values.intervals, 32, 2),
  };
  if (o.intervals % 2) throw new ValueError('diffusion', `--intervals must be even, got ${o.intervals}`);
  if (!(o.lr > 0)) throw new ValueError('diffusion', `--lr must be positive, got ${o.lr}`);
  const quiet = !!(values.quiet || values.json);
  const say = (line: string) => { if (!quiet) console.error(line); };
  const outDir = resolve(values.out ?? 'out/diffusion');
  mkdirSync(outDir, { recursive: true });

  const engine = await createEngine();
  const figures: Record<string, string> = {};
  const svgs: Record<string, string> = {};
  const result: Record<string, unknown> = { tool: 'diffrg diffusion', command: sub, date: new Date().toISOString(), adapter: engine.adapter };
  let net: ScoreNet | null = null;
  let optimizer: { dispose(): void } | null = null;
  try {
    // ---- the model: loaded, or trained here
    let saved: SavedModel;
    let model: NetScore;
    let ds: Dataset;
    let sde: Sde;
    const loadFrom = values.model ? resolve(values.model) : null;
    if (loadFrom && sub !== 'train' && sub !== 'all') {
      const path = loadFrom.endsWith('.json') ? loadFrom : join(loadFrom, 'model.json');
      if (!existsSync(path)) throw new ValueError('diffusion', `--model: ${path} does not exist`);
      saved = JSON.parse(readFileSync(path, 'utf8')) as SavedModel;
      if (saved.format !== 'diffrg-scorenet-v1') throw new ValueError('diffusion', `${path} is not a diffrg score-network file (format ${saved.format})`);
      const buf = readFileSync(join(dirname(path), saved.params));
      const params = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      if (params.length !== saved.paramCount) throw new ValueError('diffusion', `${saved.params} holds ${params.length} parameters, model.json says ${saved.paramCount}`);
      ds = dataset(saved.data, { dim: saved.dim });
      sde = new Sde({ kind: saved.sde.kind, sigma: saved.sde.sigma });
      net = new ScoreNet(engine, saved.config, params);
      model = new NetScore(net, sde, saved.scaled);
      say(`diffrg diffusion ${sub}: loaded ${path} (${saved.data}, ${saved.sde.kind}, h=${saved.config.hidden} x ${saved.config.layers})`);
      result.model = { loadedFrom: path, ...saved };
    } else {
      if (sub !== 'train' && sub !== 'all') say(`diffrg diffusion ${sub}: no --model given; training one first`);
      ds = dataset(o.data, { dim: o.dim });
      sde = new Sde({ kind: o.sde, sigma: o.sigma });
      const config: MlpConfig = { dim: ds.dim, hidden: o.hidden, layers: o.layers, activation: 'silu', residual: true, fourierFeatures: 16, fourierScale: 4, seed: o.seed };
      net = new ScoreNet(engine, config);
      say(`diffrg diffusion: training on ${o.data} (d=${ds.dim}, ${o.sde}${o.sde === 'VE' ? ` sigma=${o.sigma}` : ''}), h=${o.hidden} x ${o.layers} layers, ${o.steps} steps of ${o.batch} on ${engine.adapter.description || engine.adapter.vendor}`);
      const bar = new Progress('train', o.steps, !quiet);
      const tr = await trainScoreNet(engine, net, sde, ds.sample(65536, o.seed), {
        steps: o.steps, batch: o.batch, lr: o.lr, weighting: 'likelihood', importance: true, seed: o.seed, emaDecay: 0.995, maxGradNorm: 1,
        logEvery: Math.max(1, Math.floor(o.steps / 100)), warmup: Math.min(100, o.steps), onStep: (s) => bar.update(s),
      });
      if (o.steps === 0) bar.done();
      optimizer = tr.optimizer;
      model = tr.model;
      const params = await tr.optimizer.ema.read();
      writeFileSync(join(outDir, 'model.bin'), Buffer.from(params.buffer, params.byteOffset, params.byteLength));
      saved = {
        format: 'diffrg-scorenet-v1', config, sde: { kind: o.sde, sigma: sde.sigma }, scaled: true, data: o.data, dim: ds.dim, params: 'model.bin', paramCount: net.paramCount,
        train: { steps: o.steps, batch: o.batch, lr: o.lr, seconds: tr.seconds, stepsPerSecond: tr.stepsPerSecond },
      };
      writeFileSync(join(outDir, 'model.json'), JSON.stringify(saved, null, 1));
      writeFileSync(join(outDir, 'loss.json'), JSON.stringify(tr.lossCurve));
      if (tr.lossCurve.length) await writeFigure(outDir, 'loss', lossCurveFigure(tr.lossCurve), figures, svgs);
      result.train = { seconds: tr.seconds, stepsPerSecond: tr.stepsPerSecond, finalLoss: tr.lossCurve[tr.lossCurve.length - 1]?.loss ?? null, lossCurve: tr.lossCurve };
      result.model = saved;
      say(`trained in ${tr.seconds.toFixed(1)} s (${tr.stepsPerSecond.toFixed(1)} steps/s); model saved to ${join(outDir, 'model.json')}`);
    }
    result.config = { ...o, data: saved.data, dim: ds.dim, sde: saved.sde.kind, sigma: saved.sde.sigma, hidden: saved.config.hidden, layers: saved.config.layers };
    const errs = await scoreErrors(engine, model, ds, sde, o.seed);
    if (errs) result.scoreError = errs;

    const s0 = ds.entropy ?? null;
    const s1 = ds.mixture && ds.mixture.k === 1 ? ds.mixture.entropy(sde, 1).value : sde.gaussianEntropy(1, ds.variances);
    // ---- samples
    if (sub === 'sample' || sub === 'all') {
      say(`sampling ${o.samples} points (${o.sampleSteps} Euler-Maruyama steps)`);
      const t0 = performance.now();
      const smp = await sampleReverseSde(engine, model, sde, o.samples, { steps: o.sampleSteps, seed: o.seed + 3 });
      const secs = (performance.now() - t0) / 1000;
      const d = ds.dim;
      const mean = Array.from({ length: d }, (_, i) => { let s = 0; for (let k = 0; k < o.samples; k++) s += smp[k * d + i]!; return s / o.samples; });
      const sampleLogLik = ds.mixture ? (() => { let s = 0; for (let k = 0; k < o.samples; k++) s += ds.mixture!.logDensity(smp.subarray(k * d, k * d + d)); return s / o.samples; })() : null;
      const sres = { n: o.samples, steps: o.sampleSteps, seconds: secs, samplesPerSecond: o.samples / secs, mean, dataLogDensityOfSamples: sampleLogLik };
      writeFileSync(join(outDir, 'samples.json'), JSON.stringify({ ...sres, dim: d, samples: Array.from(smp) }));
      if (d >= 2) await writeFigure(outDir, 'samples', samplesFigure(smp, d, densityGrid(ds, o.seed)), figures, svgs);
      result.samples = sres;
    }
    // ---- entropy rates and the bound (nll needs the bound too)
    let th: Awaited<ReturnType<typeof entropyProduction>> | null = null;
    if (sub === 'thermo' || sub === 'nll' || sub === 'all') {
      say(`entropy rates: ${o.intervals + 1} times x ${o.thermoPoints} samples`);
      th = await entropyProduction(engine, model, sde, ds.sample(o.thermoPoints, o.seed + 2000), { intervals: o.intervals, seed: o.seed, s0: s0 ?? undefined, s1 });
      const tres = {
        t: th.t, sdot: th.sdot, sdotTheta: th.sdotTheta, intrinsic: th.intrinsic, exchange: th.exchange, ratio: th.ratio,
        integrals: { sdot: th.intSdot, sdotTheta: th.intSdotTheta, intrinsic: th.intIntrinsic, exchange: th.intExchange },
        s0, s1, bound: th.bound ?? null,
      };
      if (sub !== 'nll') {
        writeFileSync(join(outDir, 'thermo.json'), JSON.stringify(tres));
        await writeFigure(outDir, 'rates', entropyRatesFigure(th), figures, svgs);
      }
      result.thermo = tres;
    }
    if (sub === 'nll' || sub === 'all') {
      say(`NLL of ${o.nllPoints} held-out points (RK4, ${o.odeSteps} steps, exact divergence)`);
      const x = ds.sample(o.nllPoints, o.seed + 1000);
      const t0 = performance.now();
      const nll = await probabilityFlowNll(engine, model, sde, x, { method: 'rk4', steps: o.odeSteps, divergence: 'exact', seed: o.seed });
      const secs = (performance.now() - t0) / 1000;
      let exact: { mean: number; se: number; gap: number; gapSe: number } | null = null;
      if (ds.mixture) {
        // Paired with the exact -log p(x) of the same points, E[nll - (-log p)] = KL(p || p_theta).
        let e = 0, e2 = 0, g = 0, g2 = 0;
        const d = ds.dim, n = o.nllPoints;
        for (let i = 0; i < n; i++) {
          const v = -ds.mixture.logDensity(x.subarray(i * d, i * d + d));
          e += v; e2 += v * v;
          const diff = nll.nll[i]! - v;
          g += diff; g2 += diff * diff;
        }
        const mean = e / n, gap = g / n;
        exact = { mean, se: Math.sqrt(Math.max(0, e2 / n - mean * mean) / n), gap, gapSe: Math.sqrt(Math.max(0, g2 / n - gap * gap) / n) };
      }
      const bound = th?.bound ?? null;
      const nres = {
        nats: nll.meanNll, se: nll.se, bitsPerDim: nll.bitsPerDim, nfe: nll.stats.nfe, seconds: secs, evaluationsPerSecond: (o.nllPoints * nll.stats.nfe) / secs,
        exactNll: exact, s0, bound, gap: bound ? nll.meanNll - bound.value : null,
      };
      writeFileSync(join(outDir, 'nll.json'), JSON.stringify(nres));
      const items = [
        { label: 'NLL (model, ODE)', value: nll.meanNll, se: nll.se },
        ...(bound ? [{ label: 'bound', value: bound.value, se: bound.se }] : []),
        ...(exact ? [{ label: 'exact -log p (same points)', value: exact.mean, se: exact.se }] : []),
        ...(s0 !== null ? [{ label: 'S_0 (data entropy)', value: s0, se: 0 }] : []),
      ];
      await writeFigure(outDir, 'nll', nllBoundFigure(items), figures, svgs);
      result.nll = nres;
    }

    // ---- report
    result.figures = figures;
    const jsonPath = join(outDir, sub === 'all' ? 'report.json' : `${sub}-result.json`);
    writeFileSync(jsonPath, JSON.stringify(result, null, 1));
    let htmlPath: string | null = null;
    if (sub === 'all') htmlPath = writeReportHtml(outDir, result, svgs).html;
    if (values.json) process.stdout.write(JSON.stringify(result) + '\n');
    else printSummary(result, [jsonPath, ...(htmlPath ? [htmlPath] : []), ...Object.values(figures)]);
    return 0;
  } finally {
    optimizer?.dispose();
    net?.dispose();
    await engine.dispose();
  }
}

function printSummary(r: Record<string, unknown>, files: string[]): void {
  const tr = r.train as { stepsPerSecond: number; finalLoss: number | null } | undefined;
  const nll = r.nll as { nats: number; se: number; exactNll: { mean: number; gap: number; gapSe: number } | null; bound: { value: number; se: number } | null } | undefined;
  const th = r.thermo as { integrals: { intrinsic: { value: number }; exchange: { value: number } } } | undefined;
  const sc = r.scoreError as { t: number; relMse: number }[] | undefined;
  if (tr) console.log(`training: ${tr.stepsPerSecond.toFixed(2)} steps/s, final loss ${sig(tr.finalLoss ?? NaN)}`);
  if (sc) console.log(`relative score error E|s - s*|^2/E|s*|^2: ${sc.map((e) => `t=${e.t}: ${sig(e.relMse, 3)}`).join(', ')}`);
  if (nll) {
    console.log(`NLL ${sig(nll.nats)} +- ${sig(nll.se, 2)} nats${nll.bound ? `, bound ${sig(nll.bound.value)} +- ${sig(nll.bound.se, 2)}` : ''}` +
      `${nll.exactNll ? `, exact -log p ${sig(nll.exactNll.mean)} (KL gap ${sig(nll.exactNll.gap, 3)} +- ${sig(nll.exactNll.gapSe, 2)})` : ''}`);
  }
  if (th) console.log(`int Sdot_i = ${sig(th.integrals.intrinsic.value)}, int Sdot_e = ${sig(th.integrals.exchange.value)} (ratio ${sig(th.integrals.exchange.value / th.integrals.intrinsic.value, 3)})`);
  console.log(`wrote ${files.join('\n      ')}`);
}

function writeReportHtml(outDir: string, r: Record<string, unknown>, svgs: Record<string, string>) {
  const c = r.config as Opts;
  const tr = r.train as { seconds: number; stepsPerSecond: number; finalLoss: number | null } | undefined;
  const nll = r.nll as { nats: number; se: number; bitsPerDim: number; nfe: number; exactNll: { mean: number; se: number; gap: number; gapSe: number } | null; s0: number | null; bound: { value: number; se: number } | null; gap: number | null } | undefined;
  const th = r.thermo as { s1: number; integrals: Record<string, { value: number; se: number }> } | undefined;
  const sc = r.scoreError as { t: number; relMse: number }[] | undefined;
  const smp = r.samples as { n: number; samplesPerSecond: number; dataLogDensityOfSamples: number | null } | undefined;
  const sections: Section[] = [];
  if (svgs.loss) sections.push({ heading: 'Training', text: tr ? `${c.steps} steps of batch ${c.batch}, ${tr.seconds.toFixed(1)} s (${tr.stepsPerSecond.toFixed(2)} steps/s). Likelihood weighting, importance-sampled t, AdamW with clipping; the EMA weights are evaluated.` : undefined, svg: svgs.loss });
  if (sc) sections.push({ heading: 'Score error against the analytic score', table: { columns: ['t', 'E|s_theta - s|^2 / E|s|^2'], rows: sc.map((e) => [e.t, sig(e.relMse, 4)]) } });
  if (svgs.samples) sections.push({ heading: 'Samples', text: smp ? `${smp.n} reverse-SDE samples.${smp.dataLogDensityOfSamples !== null ? ` Mean data log-density of the samples: ${sig(smp.dataLogDensityOfSamples)}.` : ''}` : undefined, svg: svgs.samples });
  if (nll) {
    sections.push({
      heading: 'Likelihood and the entropy-production bound',
      text: 'NLL by the probability-flow ODE (exact divergence, RK4). Bound = (S_0 + S_1)/2 - (1/2) int Sdot_theta dt with the implicit-score-matching estimator of Sdot_theta (SCIENCE.md 2).',
      table: {
        columns: ['quantity', 'nats', 'SE'],
        rows: [
          ['NLL (model)', sig(nll.nats), sig(nll.se, 3)],
          ...(nll.bound ? [['bound', sig(nll.bound.value), sig(nll.bound.se, 3)] as const] : []),
          ...(nll.gap !== null ? [['NLL - bound', sig(nll.gap), null] as const] : []),
          ...(nll.exactNll ? [['exact -log p, same points', sig(nll.exactNll.mean), sig(nll.exactNll.se, 3)] as const, ['KL(p || p_theta) (paired gap)', sig(nll.exactNll.gap), sig(nll.exactNll.gapSe, 3)] as const] : []),
          ...(nll.s0 !== null ? [['S_0 (data entropy)', sig(nll.s0), null] as const] : []),
        ],
      },
      svg: svgs.nll,
    });
  }
  if (th && svgs.rates) {
    sections.push({
      heading: 'Entropy rates',
      text: 'System entropy rate Sdot, intrinsic (production) Sdot_i >= 0 and exchange Sdot_e in the generative direction; for VE with the exact score Sdot_e / Sdot_i = -2 (dashed).',
      table: { columns: ['integral over t', 'nats', 'SE'], rows: Object.entries(th.integrals).map(([k, v]) => [k, sig(v.value), sig(v.se, 3)]) },
      svg: svgs.rates,
    });
  }
  return writeHtmlReport(join(outDir, 'report.html'), {
    title: `Score-based diffusion on ${c.data}`,
    subtitle: `${c.sde}${c.sde === 'VE' ? ` sigma=${c.sigma}` : ''}, MLP h=${c.hidden} x ${c.layers}`,
    summary: {
      columns: ['quantity', 'value'],
      rows: [
        ['data', c.data], ['SDE', c.sde], ['hidden x layers', `${c.hidden} x ${c.layers}`],
        ...(tr ? [['training steps/s', sig(tr.stepsPerSecond, 4)] as const, ['final loss', sig(tr.finalLoss ?? NaN)] as const] : []),
        ...(nll ? [['NLL (nats)', sig(nll.nats)] as const, ['bound (nats)', nll.bound ? sig(nll.bound.value) : null] as const] : []),
      ],
    },
    sections,
    dataHref: 'report.json',
  });
}
