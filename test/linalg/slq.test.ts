import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { U32 } from '../helpers/tolerance.js';
import { completeEdges, completeSpectrum, ringEdges, ringSpectrum, thermoFromSpectrum, torusEdges, torusSpectrum, type Edges } from '../reference/graph-spectra.js';
import {
  laplacianFromEdges, slq, slqBlockSize, spectralThermoFromRule, ValueError, SLQ_BASIS_FLOOR_BYTES, SLQ_BASIS_PER_INPUT, type SlqResult,
} from '../../src/index.js';

const engine = useEngine();
const TAUS = [0, 0.05, 0.3, 1, 3];
const STEPS = 40;

// Deterministic float32 floor besides probe noise: float32 Lanczos is exact for a perturbed
// L + E with ||E|| <~ k (d + 1) u l_max (k steps, d max degree), so Ritz values move by dth and
// |dS| <= tau dth, |dC| <= 2 tau^2 l_max dth.
function check(r: SlqResult, spec: number[], d: number) {
  const lmax = Math.max(...spec);
  const dth = STEPS * (d + 1) * U32 * lmax;
  TAUS.forEach((tau, i) => {
    const want = thermoFromSpectrum(spec, tau);
    expect(Math.abs(r.S[i]! - want.S), `S at tau ${tau}: ${r.S[i]} vs ${want.S} (se ${r.S_se[i]})`).toBeLessThanOrEqual(3 * r.S_se[i]! + tau * dth + 1e-9);
    expect(Math.abs(r.C[i]! - want.C), `C at tau ${tau}: ${r.C[i]} vs ${want.C} (se ${r.C_se[i]})`).toBeLessThanOrEqual(3 * r.C_se[i]! + 2 * tau * tau * lmax * dth + 1e-9);
    expect(Math.abs(r.Z[i]! - want.Z), `Z at tau ${tau}`).toBeLessThanOrEqual(3 * r.Z_se[i]! + want.Z * tau * dth + 1e-9);
  });
}

async function run(n: number, edges: Edges, probes: number, seed: number) {
  const L = await laplacianFromEdges(engine(), n, edges);
  try {
    return await slq(L, { taus: TAUS, probes, steps: STEPS, seed });
  } finally {
    L.dispose();
  }
}

describe('slq', () => {
  it('ring C_400 within 3 standard errors', async () => {
    const r = await run(400, ringEdges(400), 32, 1);
    expect(r.components).toBe(1);
    check(r, ringSpectrum(400), 2);
  });

  it('complete graph K_60 (Lanczos exhausted after one step) within 3 standard errors', async () => {
    const r = await run(60, completeEdges(60), 32, 2);
    check(r, completeSpectrum(60), 59);
  });

  it('2-D torus 20 x 20 within 3 standard errors; SE shrinks ~2x with 4x probes', async () => {
    const edges = torusEdges(20, 20);
    const r32 = await run(400, edges, 32, 3);
    check(r32, torusSpectrum(20, 20), 4);
    const r128 = await run(400, edges, 128, 4);
    check(r128, torusSpectrum(20, 20), 4);
    // SE^2 (n - 1) / sigma^2 ~ chi^2_{n-1} for (near-)Gaussian per-probe estimates, so
    // (SE32 / SE128)^2 / 4 ~ F(31, 127), whose 0.05% and 99.95% quantiles are 0.344 and 2.341:
    // SE32 / SE128 in [1.17, 3.06] with probability 0.999 (independent seeds).
    for (const i of [2, 3]) {
      expect(r32.S_se[i]! / r128.S_se[i]!).toBeGreaterThanOrEqual(1.17);
      expect(r32.S_se[i]! / r128.S_se[i]!).toBeLessThanOrEqual(3.06);
    }
  });

  it('disconnected graph: deflation gives S(inf) = log(#components) exactly; pooled rule feeds spectralThermo', async () => {
    const e = engine();
    // Two K_6 and two isolated nodes: 4 components.
    const a = completeEdges(6), b = completeEdges(6, 6);
    const edges = { src: [...a.src, ...b.src], dst: [...a.dst, ...b.dst], weight: [...a.weight, ...b.weight] };
    const L = await laplacianFromEdges(e, 14, edges);
    const r = await slq(L, { taus: [0, 1e3], probes: 8, steps: 10, seed: 5 });
    expect(r.components).toBe(4);
    expect(Math.abs(r.S[1]! - Math.log(4))).toBeLessThanOrEqual(1e-12);
    // Given labels instead of the union-find: same result.
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 3];
    const r2 = await slq(L, { taus: [0, 1e3], probes: 8, steps: 10, seed: 5, deflate: labels });
    expect(r2.S[1]).toBe(r.S[1]);
    const th = await spectralThermoFromRule(e, r.nodes, r.weights, [1e3]);
    expect(Math.abs(th.S[0]! - Math.log(4))).toBeLessThanOrEqual(1e-6);
    await expect(slq(L, { taus: [-1] })).rejects.toThrow(/slq: taus\[0\] = -1/);
    await expect(slq(L, { taus: [1], deflate: [0, 1] })).rejects.toThrow(/deflate labels have length 2, expected n = 14/);
    L.dispose();
    const D = await laplacianFromEdges(e, 3, { src: [0], dst: [1] }, { directed: true });
    await expect(slq(D, { taus: [1] })).rejects.toThrow(ValueError);
    D.dispose();
  });

  // The probes are drawn probe by probe, so splitting them into blocks (which bounds memory)
  // changes only float32 rounding in the Lanczos runs: Ritz values within the same
  // k (d + 1) u l_max as above, so |dZ| <= Z tau dth (twice: both runs perturbed).
  it('estimates do not depend on the block size', async () => {
    const e = engine();
    const a = ringEdges(30), b = completeEdges(5, 30);
    const edges = { src: [...a.src, ...b.src], dst: [...a.dst, ...b.dst], weight: [...a.weight, ...b.weight] };
    const L = await laplacianFromEdges(e, 37, edges);
    try {
      const opts = { taus: TAUS, probes: 7, steps: 12, seed: 9 };
      const whole = await slq(L, opts);
      const dth = 12 * 5 * U32 * 5;
      for (const blockSize of [1, 3]) {
        const split = await slq(L, { ...opts, blockSize });
        expect(split.components).toBe(4); // ring, K_5 and two isolated nodes
        TAUS.forEach((tau, i) => {
          expect(Math.abs(split.Z[i]! - whole.Z[i]!), `Z at tau ${tau}, blockSize ${blockSize}`).toBeLessThanOrEqual(2 * whole.Z[i]! * tau * dth + 1e-9);
        });
      }
      await expect(slq(L, { ...opts, blockSize: 0 })).rejects.toThrow(/slq: blockSize must be a positive integer, got 0/);
    } finally {
      L.dispose();
    }
  });

  it('default block size keeps the Krylov basis within a constant times the CSR input', () => {
    const MiB = 2 ** 20;
    const basis = (n: number, steps: number, b: number) => 4 * n * (steps + 1) * b;
    const csr = (n: number, nnz: number) => 4 * (n + 1 + 2 * nnz);
    // 1e5-node graph with 2.1e6 nonzeros: 17 MB of CSR, 19.6 MB of basis a probe.
    const b1 = slqBlockSize(1e5, 2.1e6, 48, 32);
    expect(b1).toBe(Math.floor(SLQ_BASIS_PER_INPUT * csr(1e5, 2.1e6) / basis(1e5, 48, 1)));
    expect(basis(1e5, 48, b1)).toBeLessThanOrEqual(SLQ_BASIS_PER_INPUT * csr(1e5, 2.1e6));
    // 1e6-node ring, 200 steps: one probe's basis (804 MB) exceeds the budget; a block still holds one.
    expect(SLQ_BASIS_PER_INPUT * csr(1e6, 3e6)).toBeLessThan(basis(1e6, 200, 1));
    expect(slqBlockSize(1e6, 3e6, 200, 32)).toBe(1);
    // Small graphs: everything under the floor runs in one block.
    expect(slqBlockSize(400, 1200, 40, 32)).toBe(32);
    expect(basis(400, 40, 32)).toBeLessThanOrEqual(SLQ_BASIS_FLOOR_BYTES);
    expect(slqBlockSize(2000, 10000, 48, 128)).toBe(Math.floor(32 * MiB / basis(2000, 48, 1)));
    // An explicit block size wins, capped by the probes and 128.
    expect(slqBlockSize(1e5, 2.1e6, 48, 32, 16)).toBe(16);
    expect(slqBlockSize(100, 300, 10, 500, 400)).toBe(128);
  });
});
