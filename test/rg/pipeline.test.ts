// The renormalization pipeline end to end against SCIENCE.md section 1's reference results
// (tolerate about 1% in tau and 1e-3 in C) and the known behaviour of the supernode rule.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { complete, ring, lattice, star, generate, graphFromEdges, graphComponents, nmi, barabasiAlbert } from '../../src/graph/index.js';
import { runRg } from '../../src/rg/pipeline.js';
import { computeSpectrum } from '../../src/rg/spectrum.js';
import { coarseGrain } from '../../src/rg/coarse-grain.js';
import { logGrid, thermoAt } from '../../src/rg/scales.js';
import type { Graph } from '../../src/graph/graph.js';

const engine = useEngine();
const SLQ = { probes: 32, steps: 48, seed: 1 };

function ringSpectrum(n: number): number[] {
  return Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n));
}

describe('reference results', () => {
  it('complete graph K_10: C peak 2.0584 at tau = 0.34976', async () => {
    const r = await runRg(engine(), complete(10));
    expect(r.scales.peaks).toHaveLength(1);
    const p = r.scales.peaks[0]!;
    expect(Math.abs(p.tau / 0.34976 - 1)).toBeLessThan(0.01);
    expect(Math.abs(p.C - 2.0584)).toBeLessThan(1e-3);
    expect(r.sweep.S[0]! / Math.log(10)).toBeCloseTo(1, 4); // S(0) = log N
  });

  it('ring C_100: plateau C ~ 0.506, last finite-size peak C = 0.7666 at tau l_2 ~ 2.62', async () => {
    const n = 100;
    const r = await runRg(engine(), ring(n), { steps: 0 });
    // Plateau: median of C over 0.3 < S/log N < 0.7 on the run's own grid, against the exact spectrum on the same grid.
    const exact = { nodes: ringSpectrum(n) };
    const pick = (C: (i: number) => number) => {
      const vals = r.sweep.taus.map((t, i) => ({ s: thermoAt(exact, t).S / Math.log(n), c: C(i) })).filter((x) => x.s > 0.3 && x.s < 0.7).map((x) => x.c).sort((a, b) => a - b);
      return vals[Math.floor(vals.length / 2)]!;
    };
    const median = pick((i) => r.sweep.C[i]!);
    const medianExact = pick((i) => thermoAt(exact, r.sweep.taus[i]!).C);
    expect(Math.abs(median - medianExact)).toBeLessThan(1e-3);
    expect(Math.abs(median - 0.506)).toBeLessThan(0.01); // SCIENCE.md's median, on its own grid
    const last = r.scales.peaks[r.scales.peaks.length - 1]!;
    expect(Math.abs(last.C - 0.7666)).toBeLessThan(1e-3);
    expect(Math.abs((last.tau * r.sweep.l2) / 2.62 - 1)).toBeLessThan(0.01);
  });

  it('2-D torus 32 x 32: plateau C ~ 1.037, last peak C ~ 1.533 at tau = 67.9', async () => {
    const L = 32, n = L * L;
    const r = await runRg(engine(), lattice({ L, d: 2 }), { method: 'tridiagonal' });
    const last = r.scales.peaks[r.scales.peaks.length - 1]!;
    expect(Math.abs(last.C - 1.533)).toBeLessThan(2e-3);
    expect(Math.abs(last.tau / 67.9 - 1)).toBeLessThan(0.01);
    // plateau value as for the ring: median of C over 0.3 < S/log N < 0.7, exact spectrum on the same grid
    const ring1 = ringSpectrum(L);
    const exact = { nodes: ring1.flatMap((a) => ring1.map((b) => a + b)) };
    const inRange = r.sweep.taus.map((t, i) => ({ i, s: thermoAt(exact, t).S / Math.log(n) })).filter((x) => x.s > 0.3 && x.s < 0.7);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const got = median(inRange.map(({ i }) => r.sweep.C[i]!));
    const want = median(inRange.map(({ i }) => thermoAt(exact, r.sweep.taus[i]!).C));
    expect(Math.abs(got - want)).toBeLessThan(1e-3);
    expect(Math.abs(got - 1.037)).toBeLessThan(0.01);
    const plateau = r.scales.plateaus.reduce((a, b) => (b.decades > a.decades ? b : a));
    expect(Math.abs(plateau.spectralDimension - 2)).toBeLessThan(0.15);
  });

  it('k disjoint components: S(inf) = log k', async () => {
    // three cliques of 5, 6 and 7 nodes
    const edges: number[][] = [];
    let base = 0;
    for (const size of [5, 6, 7]) {
      for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) edges.push([base + i, base + j]);
      base += size;
    }
    const r = await runRg(engine(), graphFromEdges(base, edges), { steps: 0 });
    expect(r.components).toBe(3);
    expect(Math.abs(r.sweep.S[r.sweep.S.length - 1]! - Math.log(3))).toBeLessThan(1e-3);
  });

  it('4-block SBM: two C peaks near 0.17 and 2.4, supernodes = the planted blocks for tau in [0.3, 10]', async () => {
    const e = engine();
    const g = generate('sbm:blocks=4,size=64,pin=0.5,pout=0.005,seed=1');
    const r = await runRg(e, g, { steps: 1 });
    const taus = r.scales.peaks.map((p) => p.tau);
    expect(taus).toHaveLength(2);
    expect(taus[0]!).toBeGreaterThan(0.12);
    expect(taus[0]!).toBeLessThan(0.22);
    expect(taus[1]!).toBeGreaterThan(1.8);
    expect(taus[1]!).toBeLessThan(3.2);
    const comps = graphComponents(g);
    const sp = await computeSpectrum(e, g, { method: 'dense', components: comps.count, vectors: true, normalized: false, slq: SLQ });
    try {
      for (const tau of logGrid(0.3, 10, 9)) {
        const cg = await coarseGrain(e, sp, comps.count, tau);
        expect(cg.count, `tau = ${tau}`).toBe(4);
        expect(nmi(cg.labels, g.groups![0]!)).toBe(1);
      }
    } finally {
      sp.vectors!.dispose();
    }
  });
});

describe('no spurious merges', () => {
  const cases: [string, Graph][] = [
    ['K_12', complete(12)],
    ['ring C_64', ring(64)],
    ['torus 6 x 6', lattice({ L: 6, d: 2 })],
    ['star S_40', star(40)],
  ];
  for (const [name, g] of cases) {
    it(`${name}: every node stays its own supernode across the default tau range`, async () => {
      const e = engine();
      const comps = graphComponents(g);
      const sp = await computeSpectrum(e, g, { method: 'dense', components: comps.count, vectors: true, normalized: false, slq: SLQ });
      try {
        for (const tau of logGrid(1e-3 / sp.lmax, 1e3 / sp.l2, 24)) {
          const cg = await coarseGrain(e, sp, comps.count, tau);
          expect(cg.count, `tau = ${tau}`).toBe(g.n);
        }
      } finally {
        sp.vectors!.dispose();
      }
    });
  }
});

describe('methods agree', () => {
  it('dense, tridiagonal and SLQ sweeps agree within their error estimates', async () => {
    const e = engine();
    const g = barabasiAlbert({ n: 300, m: 3, seed: 5 });
    const opts = { steps: 0, points: 64, slq: SLQ };
    const dense = await runRg(e, g, { ...opts, method: 'dense' });
    const tri = await runRg(e, g, { ...opts, method: 'tridiagonal' });
    const slqR = await runRg(e, g, { ...opts, method: 'slq', tauRange: [dense.sweep.taus[0]!, dense.sweep.taus[63]!] });
    for (let i = 0; i < 64; i++) {
      // float32 thermodynamics kernel: a few ULPs of C on top of the eigenvalue error estimates
      const f32 = 64 * 2 ** -24 * Math.max(1, dense.sweep.C[i]!);
      expect(Math.abs(dense.sweep.C[i]! - tri.sweep.C[i]!)).toBeLessThanOrEqual(dense.sweep.Cerror[i]! + tri.sweep.Cerror[i]! + f32);
      expect(Math.abs(dense.sweep.C[i]! - slqR.sweep.C[i]!)).toBeLessThanOrEqual(dense.sweep.Cerror[i]! + slqR.sweep.Cerror[i]! + f32);
      expect(Math.abs(dense.sweep.S[i]! - slqR.sweep.S[i]!)).toBeLessThanOrEqual(dense.sweep.Serror[i]! + slqR.sweep.Serror[i]! + f32);
    }
  });

  it('runs the RG flow to completion with the EqLRG metagraph', async () => {
    const g = generate('sbm:blocks=4,size=16,pin=0.7,pout=0.02,seed=3');
    const r = await runRg(engine(), g, { metagraph: 'eqlrg', flowScale: 'prominent' });
    expect(r.flow.length).toBeGreaterThanOrEqual(2);
    for (let k = 1; k < r.flow.length; k++) expect(r.flow[k]!.n).toBeLessThan(r.flow[k - 1]!.n);
    // the mapping of every level is consistent with the next level's size
    for (const f of r.flow) expect(Math.max(...f.mapping)).toBeLessThan(f.n);
    expect(r.ordering.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: g.n }, (_, i) => i));
  });
});
