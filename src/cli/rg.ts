// `diffrg rg`: the Laplacian renormalization pipeline on a graph file or a generated graph,
// writing report.json, report.html and SVG figures.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createEngine } from '../../runtime/engine.js';
import { ValueError } from '../../runtime/errors.js';
import { generate, generatorHelp } from '../graph/generate-spec.js';
import type { Graph } from '../graph/graph.js';
import { readGraphFile, type GraphFormat } from '../node/read-graph.js';
import { runRg, type RgOptions } from '../rg/pipeline.js';
import { writeRgReport } from '../report/rg-report.js';
import { Progress } from './progress.js';

/** The built-in default: a two-level hierarchical block model (4 groups of 4 blocks of 16 nodes; p = 0.8, 0.04, 0.002 within a block, a group, across groups). */
export const DEFAULT_NETWORK = 'hbm:levels=2,groups=4,size=16,pin=0.8,ratio=0.05,seed=7';

const HELP = `usage: diffrg rg [graph-file] [options]

Runs the Laplacian renormalization group on a graph and writes a report.
With neither a file nor --generate, runs on the built-in default network:
  ${DEFAULT_NETWORK}

input:
  graph-file               edge list (.csv .tsv .txt .edges .edgelist .el), Matrix Market (.mtx)
                           or JSON ({nodes, edges}); the format follows the extension
  --format F               force the format: edgelist | mtx | json
  --generate SPEC          generate a graph instead, e.g. sbm:blocks=4,size=64,pin=0.5,pout=0.005,seed=1
                           (--list-generators shows every generator and its keys)
  --directed               read edges as directed (the RG uses the symmetrised Laplacian)
  --ids MODE               auto | zero | one | string (0- or 1-based integer ids, or names)
  --duplicates P           sum | max | min | first | error (default sum)
  --self-loops P           remove | error (default remove)

method:
  --method M               auto | dense | tridiagonal | slq (default auto: by size)
  --tau-min X, --tau-max X tau range (default 1e-3/l_max .. 1e3/l_2)
  --points N               tau grid points (default 256)
  --prominence X           minimum prominence of a C peak (default 0.05)
  --plateau-tol X          half-width of C over a plateau (default 0.05)
  --normalized             normalised Laplacian instead of L = D - A
  --steps N                maximum RG steps (default 8)
  --coarse-tau X[,Y..]     coarse-grain the graph at these taus (default: at each peak of C in turn)
  --flow-scale S           first | prominent | <tau>: the C peak that drives each RG step (default
                           first; when nothing merges there, the next coarser peak is tried)
  --metagraph M            unweighted | eqlrg (default unweighted, as the authors' code)
  --community-tau X        tau of the multiscale communities (default: the first C peak)
  --probes N, --lanczos-steps N, --seed N   SLQ settings (default 32, 48, 1)

output:
  --out DIR                report folder (default out/rg)
  --json                   print report.json to stdout as well
  --quiet                  no progress on stderr
  --no-profile             do not time GPU kernels
  -h, --help               this text
`;

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new ValueError('rg', `--${name} expects a number, got '${v}'`);
  return x;
}

export async function rgCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' }, generate: { type: 'string' }, 'list-generators': { type: 'boolean' },
      directed: { type: 'boolean' }, ids: { type: 'string' }, duplicates: { type: 'string' }, 'self-loops': { type: 'string' },
      method: { type: 'string' }, 'tau-min': { type: 'string' }, 'tau-max': { type: 'string' }, points: { type: 'string' },
      prominence: { type: 'string' }, 'plateau-tol': { type: 'string' }, normalized: { type: 'boolean' }, steps: { type: 'string' },
      'flow-scale': { type: 'string' }, 'coarse-tau': { type: 'string' }, metagraph: { type: 'string' }, 'community-tau': { type: 'string' },
      probes: { type: 'string' }, 'lanczos-steps': { type: 'string' }, seed: { type: 'string' },
      out: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, 'no-profile': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['list-generators']) {
    for (const [k, v] of Object.entries(generatorHelp())) console.log(`${k.padEnd(10)} ${v}`);
    return 0;
  }
  if (positionals.length > 1) throw new ValueError('rg', `expected at most one graph file, got ${positionals.length}: ${positionals.join(' ')}`);
  if (positionals.length && values.generate) throw new ValueError('rg', 'give either a graph file or --generate, not both');
  const oneOf = <T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined => {
    if (v === undefined) return undefined;
    if (!allowed.includes(v as T)) throw new ValueError('rg', `--${flag} must be one of ${allowed.join(', ')}; got '${v}'`);
    return v as T;
  };

  let graph: Graph;
  let source: string;
  let parseStats: { duplicatesMerged: number; selfLoopsRemoved: number; edgesRead: number } | undefined;
  if (positionals[0]) {
    const format = oneOf<GraphFormat>('format', values.format, ['edgelist', 'mtx', 'json']);
    const parsed = readGraphFile(positionals[0], {
      ...(format ? { format } : {}),
      directed: values.directed ?? false,
      ...(values.ids ? { ids: oneOf('ids', values.ids, ['auto', 'zero', 'one', 'string'] as const)! } : {}),
      ...(values.duplicates ? { duplicates: oneOf('duplicates', values.duplicates, ['sum', 'max', 'min', 'first', 'error'] as const)! } : {}),
      ...(values['self-loops'] ? { selfLoops: oneOf('self-loops', values['self-loops'], ['remove', 'error'] as const)! } : {}),
    });
    graph = parsed.graph;
    source = positionals[0];
    parseStats = { duplicatesMerged: parsed.stats.duplicatesMerged, selfLoopsRemoved: parsed.stats.selfLoopsRemoved, edgesRead: parsed.stats.edgesRead };
  } else {
    source = values.generate ?? DEFAULT_NETWORK;
    graph = generate(source);
  }

  const flowScaleRaw = values['flow-scale'];
  const flowScale = flowScaleRaw === undefined ? undefined : flowScaleRaw === 'first' || flowScaleRaw === 'prominent' ? flowScaleRaw : num('flow-scale', flowScaleRaw);
  const tauMin = num('tau-min', values['tau-min']);
  const tauMax = num('tau-max', values['tau-max']);
  if ((tauMin === undefined) !== (tauMax === undefined)) throw new ValueError('rg', '--tau-min and --tau-max go together');
  const quiet = values.quiet || values.json;
  const bars = new Map<string, Progress>();
  const options: RgOptions = {
    ...(values.method ? { method: oneOf('method', values.method, ['auto', 'dense', 'tridiagonal', 'slq'] as const)! } : {}),
    ...(tauMin !== undefined ? { tauRange: [tauMin, tauMax!] as [number, number] } : {}),
    ...(values.points ? { points: num('points', values.points)! } : {}),
    ...(values.prominence ? { prominence: num('prominence', values.prominence)! } : {}),
    ...(values['plateau-tol'] ? { plateauTol: num('plateau-tol', values['plateau-tol'])! } : {}),
    ...(values.normalized ? { normalized: true } : {}),
    ...(values.steps ? { steps: num('steps', values.steps)! } : {}),
    ...(flowScale !== undefined ? { flowScale } : {}),
    ...(values.metagraph ? { metagraph: oneOf('metagraph', values.metagraph, ['unweighted', 'eqlrg'] as const)! } : {}),
    ...(values['coarse-tau'] ? { coarseTaus: values['coarse-tau'].split(',').map((x) => num('coarse-tau', x.trim())!) } : {}),
    ...(values['community-tau'] ? { communityTau: num('community-tau', values['community-tau'])! } : {}),
    slq: {
      ...(values.probes ? { probes: num('probes', values.probes)! } : {}),
      ...(values['lanczos-steps'] ? { steps: num('lanczos-steps', values['lanczos-steps'])! } : {}),
      ...(values.seed ? { seed: num('seed', values.seed)! } : {}),
    },
    onProgress: (stage, done, total) => {
      if (quiet) return;
      let bar = bars.get(stage);
      if (!bar) bars.set(stage, (bar = new Progress(stage, total)));
      bar.update(done);
    },
  };

  const outDir = resolve(values.out ?? 'out/rg');
  const engine = await createEngine();
  try {
    if (!quiet) console.error(`diffrg rg: ${source}: ${graph.n} nodes on ${engine.adapter.description || engine.adapter.vendor} (${engine.adapter.kind})`);
    const t0 = performance.now();
    let result;
    let profile;
    if (values['no-profile']) result = await runRg(engine, graph, options);
    else ({ result, profile } = await engine.profile(() => runRg(engine, graph, options)));
    const wallSeconds = (performance.now() - t0) / 1000;
    const files = await writeRgReport(outDir, {
      graph, source, result, adapter: engine.adapter, wallSeconds,
      ...(parseStats ? { parseStats } : {}),
      ...(profile ? { profile } : {}),
      options: { ...options, onProgress: undefined },
    });
    if (values.json) {
      const { readFileSync } = await import('node:fs');
      process.stdout.write(readFileSync(files.json, 'utf8') + '\n');
    } else {
      const peaks = result.scales.peaks.map((p) => `tau=${p.tau.toPrecision(4)} C=${p.C.toPrecision(4)}`).join('; ') || 'none';
      console.log(`N=${result.n} edges=${result.edges} method=${result.sweep.method} l2=${result.sweep.l2.toPrecision(4)} peaks: ${peaks}`);
      for (const c of result.coarseGrainings) console.log(`  supernodes at tau=${c.tau.toPrecision(4)}: ${c.supernodes}`);
      const c = result.communities;
      if (c) console.log(`  communities at tau=${c.tau.toPrecision(4)}: ${c.clusters}${c.agreement ? ` (NMI by ground-truth level: ${c.agreement.map((a) => a.nmi.toFixed(3)).join(', ')})` : ''}`);
      console.log(`report: ${files.html}\n        ${files.json}\n        ${Object.values(files.figures).join(' ')}`);
      console.log(`${wallSeconds.toFixed(1)} s${profile ? `, GPU kernels ${(profile.totalMs / 1000).toFixed(1)} s (${profile.method})` : ''}`);
    }
    return 0;
  } finally {
    await engine.dispose();
  }
}
