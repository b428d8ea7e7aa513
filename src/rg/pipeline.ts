// The Laplacian renormalization group pipeline (SCIENCE.md section 1): entropy and specific-heat
// sweep, characteristic scales, Kadanoff supernodes, the RG flow over metagraphs, multiscale
// communities and a community ordering. Runs on any engine (Node or browser).
import type { Engine } from '../../runtime/engine.js';
import { ValueError } from '../../runtime/errors.js';
import { spectralThermo } from '../ops/spectral.js';
import { slqAt } from '../ops/lanczos.js';
import type { Graph } from '../graph/graph.js';
import { edgeCount } from '../graph/graph.js';
import { graphComponents } from '../graph/components.js';
import { contract } from '../graph/supernodes.js';
import { averageLinkage, partitionStability, cutAtHeight, type Linkage } from '../graph/linkage.js';
import { nmi, ari } from '../graph/metrics.js';
import { communityOrder } from '../graph/ordering.js';
import { computeSpectrum, denseSpectrum, symmetricLaplacian, chooseMethod, specificHeatErrorBound, DENSE_LIMIT, type Spectrum, type SpectrumMethod, type SlqSettings } from './spectrum.js';
import { findPeaks, findPlateaus, logGrid, type Peak, type Plateau } from './scales.js';
import { coarseGrain, heatKernel } from './coarse-grain.js';

export interface RgOptions {
  /** 'auto' picks dense Jacobi (n <= 256 or when coarse-graining), tridiagonal (n <= 2048), SLQ above. */
  method?: SpectrumMethod | 'auto';
  /** Tau grid [lo, hi]; default [1e-3 / l_max, 1e3 / l_2]. */
  tauRange?: [number, number];
  points?: number;
  /** Minimum prominence of a C peak (absolute, in units of C). */
  prominence?: number;
  /** Half-width of C over a plateau. */
  plateauTol?: number;
  /** Maximum RG steps (coarse-grainings). */
  steps?: number;
  /**
   * Which peak drives each RG step: the first (finest scale), the most prominent, or a fixed tau.
   * When nothing merges at that peak, the next coarser peak is tried.
   */
  flowScale?: 'first' | 'prominent' | number;
  normalized?: boolean;
  /** Metagraph: unweighted contraction (the authors' code) or the EqLRG weighted projection. */
  metagraph?: 'unweighted' | 'eqlrg';
  /** Taus at which to coarse-grain the original graph; default each peak of C in turn. */
  coarseTaus?: number[];
  /** Tau of the multiscale communities; default the first C peak. */
  communityTau?: number;
  slq?: Partial<SlqSettings>;
  /** Called with the stage name, work done and total, for progress display. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface SweepResult {
  method: SpectrumMethod;
  taus: number[];
  S: number[];
  SoverLogN: number[];
  C: number[];
  dS: number[];
  /** Error estimate of C at each tau: first-order eigenvalue-error bound (dense/tridiagonal) or 3 standard errors (SLQ). */
  Cerror: number[];
  /** S's error estimate likewise. */
  Serror: number[];
  lmax: number;
  l2: number;
  eigenvalueError?: number;
  seconds: number;
}

export interface Scales {
  inverseLmax: number;
  inverseL2: number;
  peaks: Peak[];
  plateaus: Plateau[];
}

export interface CoarseStep {
  tau: number;
  supernodes: number;
  sizes: number[];
  /** Supernode of each node of this level's graph. */
  labels: number[];
  relTol: number;
}

export interface FlowStep {
  step: number;
  n: number;
  edges: number;
  components: number;
  l2: number;
  lmax: number;
  method: SpectrumMethod;
  peaks: Peak[];
  /** The coarse-graining that produced the next level (absent on the last level). */
  coarse?: CoarseStep;
  /** Metanode (at this level) of each original node. */
  mapping: number[];
}

export interface Communities {
  tau: number;
  clusters: number;
  labels: number[];
  psi: number[];
  linkage: { left: number[]; right: number[]; height: number[]; size: number[] };
  /** Agreement with each level of the graph's ground-truth groups (coarse to fine), when it has them. */
  agreement?: { level: number; nmi: number; ari: number }[];
}

export interface RgResult {
  n: number;
  edges: number;
  components: number;
  directed: boolean;
  sweep: SweepResult;
  scales: Scales;
  /** Supernodes at each peak of the original graph. */
  coarseGrainings: CoarseStep[];
  flow: FlowStep[];
  communities?: Communities;
  /** Permutation keeping supernodes/communities contiguous, coarse to fine. */
  ordering: number[];
  /** Agreement of supernodes at each peak with the ground-truth groups, when the graph has them. */
  groundTruth?: { level: number; atPeak: { tau: number; nmi: number; ari: number }[] }[];
  timings: Record<string, number>;
  notes: string[];
}

const DEFAULT_SLQ: SlqSettings = { probes: 32, steps: 48, seed: 1 };

async function sweepOf(engine: Engine, spec: Spectrum, n: number, opts: RgOptions): Promise<{ sweep: SweepResult; taus: Float64Array }> {
  const lo = opts.tauRange?.[0] ?? 1e-3 / Math.max(spec.lmax, 1e-12);
  const hi = opts.tauRange?.[1] ?? 1e3 / Math.max(spec.l2, 1e-12);
  if (!(lo > 0 && hi > lo)) throw new ValueError('rg', `tau range [${lo}, ${hi}] must satisfy 0 < lo < hi`);
  const taus = logGrid(lo, hi, opts.points ?? 256);
  const logN = Math.log(n);
  const nodes = engine.tensor(Float32Array.from(spec.measure.nodes));
  const weights = spec.measure.weights ? engine.tensor(Float32Array.from(spec.measure.weights)) : undefined;
  try {
    const th = await spectralThermo(nodes, taus, weights ? { weights } : {});
    const S = Array.from(th.S);
    const C = Array.from(th.C);
    let Cerror: number[];
    let Serror: number[];
    if (spec.method === 'slq') {
      // The one Lanczos run's per-probe rules, re-evaluated on this grid: 3 standard errors.
      const se = slqAt(spec.slq!, taus);
      Cerror = Array.from(se.C_se, (x) => 3 * x);
      Serror = Array.from(se.S_se, (x) => 3 * x);
    } else {
      const delta = spec.eigenvalueError ?? 0;
      Cerror = Array.from(taus, (t) => specificHeatErrorBound(spec.eigenvalues!, t, delta));
      // dS/dl_i = -tau^2 p_i (l_i - mu): |dS| <= tau^2 delta <|l - mu|> <= tau^2 delta sqrt(Var)
      Serror = Array.from(taus, (t, i) => t * t * delta * Math.sqrt(Math.max(0, th.variance[i]!)));
    }
    return {
      taus,
      sweep: {
        method: spec.method,
        taus: Array.from(taus),
        S,
        SoverLogN: S.map((s) => (logN > 0 ? s / logN : 0)),
        C,
        dS: Array.from(th.dS),
        Cerror,
        Serror,
        lmax: spec.lmax,
        l2: spec.l2,
        ...(spec.eigenvalueError !== undefined ? { eigenvalueError: spec.eigenvalueError } : {}),
        seconds: spec.seconds,
      },
    };
  } finally {
    nodes.dispose();
    weights?.dispose();
  }
}

/**
 * Candidate taus for one RG step, in the order they are tried: a fixed tau alone; else the peaks
 * from the chosen one towards coarser scales ('first': finest peak first; 'prominent': the most
 * prominent first, then the coarser ones), so a peak at which nothing merges does not end the flow
 * while a coarser scale still can.
 */
function flowTauCandidates(peaks: Peak[], rule: RgOptions['flowScale']): number[] {
  if (typeof rule === 'number') return [rule];
  if (peaks.length === 0) return [];
  const start = rule === 'prominent' ? peaks.indexOf(peaks.reduce((a, b) => (b.prominence > a.prominence ? b : a))) : 0;
  return peaks.slice(start).map((p) => p.tau);
}

/** Runs the whole pipeline on g. */
export async function runRg(engine: Engine, g: Graph, opts: RgOptions = {}): Promise<RgResult> {
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  const progress = opts.onProgress ?? (() => {});
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = (timings[name] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  if (g.n < 2) throw new ValueError('rg', `the graph has ${g.n} node(s); the renormalization group needs at least 2`);
  if (g.directed) notes.push('directed graph: the sweep and coarse-graining use the symmetrised Laplacian of (A + A^T) / 2');
  const slqSettings: SlqSettings = { ...DEFAULT_SLQ, ...opts.slq };
  const comps = graphComponents(g);
  const canCoarse = g.n <= DENSE_LIMIT;
  const method: SpectrumMethod = opts.method && opts.method !== 'auto' ? opts.method : chooseMethod(g.n, canCoarse);
  if (!canCoarse) notes.push(`n = ${g.n} > ${DENSE_LIMIT}: coarse-graining, the RG flow and communities need dense eigenvectors and are skipped; the sweep uses ${method}`);

  // 1-2. spectrum and sweep on the original graph
  progress('spectrum', 0, 1);
  const spec = await time('spectrum', () =>
    computeSpectrum(engine, g, { method, components: comps.count, vectors: canCoarse && method === 'dense', normalized: opts.normalized ?? false, slq: slqSettings }),
  );
  progress('spectrum', 1, 1);
  try {
    const { sweep, taus } = await time('sweep', () => sweepOf(engine, spec, g.n, opts));
    // 3. scales
    const peaks = findPeaks(spec.measure, taus, sweep.C, opts.prominence ?? 0.05);
    const plateaus = findPlateaus(taus, sweep.C, opts.plateauTol ?? 0.05);
    const scales: Scales = { inverseLmax: 1 / spec.lmax, inverseL2: spec.l2 > 0 ? 1 / spec.l2 : Infinity, peaks, plateaus };

    const result: RgResult = {
      n: g.n, edges: edgeCount(g), components: comps.count, directed: g.directed,
      sweep, scales, coarseGrainings: [], flow: [], ordering: Array.from({ length: g.n }, (_, i) => i), timings, notes,
    };
    if (!canCoarse || !spec.vectors) {
      if (canCoarse && !spec.vectors) notes.push(`method ${method} gives eigenvalues only: coarse-graining skipped (use --method dense)`);
      return result;
    }

    // 4. supernodes at each peak of the original graph
    await time('coarse-graining', async () => {
      const taus = opts.coarseTaus ?? peaks.map((p) => p.tau);
      let done = 0;
      for (const tau of taus) {
        if (!(tau > 0 && Number.isFinite(tau))) throw new ValueError('rg', `coarse-graining tau ${tau} must be finite and positive`);
        const cg = await coarseGrain(engine, spec, comps.count, tau);
        result.coarseGrainings.push({ tau, supernodes: cg.count, sizes: Array.from(cg.sizes), labels: Array.from(cg.labels), relTol: cg.relTol });
        progress('coarse-graining', ++done, taus.length);
      }
    });
    if (g.groups?.length) {
      result.groundTruth = g.groups.map((truth, level) => ({
        level,
        atPeak: result.coarseGrainings.map((c) => ({ tau: c.tau, nmi: nmi(c.labels, truth), ari: ari(c.labels, truth) })),
      }));
    }

    // 6. multiscale communities
    const communityTau = opts.communityTau ?? peaks[0]?.tau;
    if (communityTau !== undefined && g.n >= 3) {
      result.communities = await time('communities', () => communitiesAt(engine, spec, communityTau, g));
    }

    // 5. RG flow: each level is a dense symmetric Laplacian (the contracted metagraph's, or its
    // EqLRG projection), coarse-grained at the level's chosen C peak.
    const partitions: Uint32Array[] = [];
    await time('flow', async () => {
      let levelL = symmetricLaplacian(g, opts.normalized ?? false);
      let levelGraph: Graph = g;
      let levelSpec: Spectrum = spec;
      let mapping = Uint32Array.from({ length: g.n }, (_, i) => i);
      const maxSteps = opts.steps ?? 8;
      for (let step = 0; ; step++) {
        progress('rg flow', Math.min(step, maxSteps), maxSteps);
        const n = levelGraph.n;
        const lc = step === 0 ? comps : graphComponents(levelGraph);
        const lvl = step === 0 ? levelSpec : await denseSpectrum(engine, levelL, n, { method: 'dense', components: lc.count, vectors: true });
        try {
          const grid = logGrid(1e-3 / Math.max(lvl.lmax, 1e-12), 1e3 / Math.max(lvl.l2, 1e-12), opts.points ?? 256);
          const levelPeaks = step === 0 ? peaks : await peaksOf(engine, lvl, grid, opts.prominence ?? 0.05);
          const fs: FlowStep = {
            step, n, edges: edgeCount(levelGraph), components: lc.count, l2: lvl.l2, lmax: lvl.lmax, method: lvl.method,
            peaks: levelPeaks, mapping: Array.from(mapping),
          };
          result.flow.push(fs);
          const candidates = flowTauCandidates(levelPeaks, opts.flowScale);
          if (n <= 1 || step >= maxSteps || candidates.length === 0) break;
          let cg: Awaited<ReturnType<typeof coarseGrain>> | undefined;
          for (const tau of candidates) {
            cg = await coarseGrain(engine, lvl, lc.count, tau);
            if (cg.count < n) break;
          }
          fs.coarse = { tau: cg!.tau, supernodes: cg!.count, sizes: Array.from(cg!.sizes), labels: Array.from(cg!.labels), relTol: cg!.relTol };
          if (cg!.count === n) {
            notes.push(`RG flow stopped at step ${step}: no supernodes formed at any of the taus tried (${candidates.map((t) => t.toPrecision(4)).join(', ')})`);
            break;
          }
          mapping = Uint32Array.from(mapping, (m) => cg!.labels[m]!);
          partitions.push(mapping);
          const next = contract(levelGraph, cg!.labels, cg!.count, opts.metagraph === 'eqlrg' ? 'sum' : 'unweighted');
          levelL = opts.metagraph === 'eqlrg' ? eqlrgProjection(levelL, n, cg!.labels, cg!.count) : symmetricLaplacian(next, opts.normalized ?? false);
          levelGraph = next;
        } finally {
          if (step > 0) lvl.vectors?.dispose();
        }
        levelSpec = lvl;
      }
    });

    // 7. ordering: coarse partitions first, then finer ones, then communities
    const nested = [...partitions].reverse();
    if (result.communities) nested.push(Uint32Array.from(result.communities.labels));
    result.ordering = Array.from(nested.length ? communityOrder(nested, g.n) : Uint32Array.from({ length: g.n }, (_, i) => i));
    return result;
  } finally {
    spec.vectors?.dispose();
  }
}

/**
 * EqLRG projection of a dense Laplacian (arXiv 2507.04977): L' = N^{-1/2} P^T L P N^{-1/2}, P the
 * membership matrix, N = diag(supernode sizes). Iterated on its own output, it keeps the
 * weighted structure the unweighted contraction throws away.
 */
export function eqlrgProjection(L: Float64Array, n: number, labels: ArrayLike<number>, count: number): Float64Array {
  const sizes = new Float64Array(count);
  for (let i = 0; i < n; i++) sizes[labels[i]!]!++;
  const out = new Float64Array(count * count);
  for (let i = 0; i < n; i++) {
    const a = labels[i]!;
    for (let j = 0; j < n; j++) out[a * count + labels[j]!] += L[i * n + j]!;
  }
  for (let a = 0; a < count; a++) for (let b = 0; b < count; b++) out[a * count + b] /= Math.sqrt(sizes[a]! * sizes[b]!);
  return out;
}

async function peaksOf(engine: Engine, spec: Spectrum, taus: Float64Array, prominence: number): Promise<Peak[]> {
  const nodes = engine.tensor(Float32Array.from(spec.measure.nodes));
  try {
    const th = await spectralThermo(nodes, taus);
    return findPeaks(spec.measure, taus, th.C, prominence);
  } finally {
    nodes.dispose();
  }
}

/** Average-linkage communities on D_ij = 1 / K_ij(tau), cut where the partition stability peaks. */
async function communitiesAt(engine: Engine, spec: Spectrum, tau: number, g: Graph): Promise<Communities> {
  const n = g.n;
  const K = await heatKernel(engine, spec.vectors!, spec.eigenvalues!, tau);
  let kmax = 0;
  for (let i = 0; i < n * n; i++) kmax = Math.max(kmax, K[i]!);
  // Entries below the rounding level of K are indistinguishable from 0: clamp there, so distances stay finite.
  const floor = kmax * n * 2 ** -24;
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const k = Math.max(floor, (K[i * n + j]! + K[j * n + i]!) / 2);
      D[i * n + j] = D[j * n + i] = 1 / k;
    }
  }
  const link: Linkage = averageLinkage(D, n);
  const st = partitionStability(link);
  const labels = cutAtHeight(link, st.cutHeight);
  const out: Communities = {
    tau,
    clusters: st.clusters,
    labels: Array.from(labels),
    psi: Array.from(st.psi),
    linkage: { left: Array.from(link.left), right: Array.from(link.right), height: Array.from(link.height), size: Array.from(link.size) },
  };
  if (g.groups?.length) out.agreement = g.groups.map((truth, level) => ({ level, nmi: nmi(labels, truth), ari: ari(labels, truth) }));
  return out;
}

