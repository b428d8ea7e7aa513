import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { U32 } from '../helpers/tolerance.js';
import { completeSpectrum, ringSpectrum, thermoFromSpectrum } from '../reference/graph-spectra.js';
import { spectralThermo, spectralThermoFromRule, ShapeError, ValueError } from '../../src/index.js';

const engine = useEngine();

const logGrid = (lo: number, hi: number, k: number) => Array.from({ length: k }, (_, i) => lo * (hi / lo) ** (i / (k - 1)));

// Float32 error model of the kernel (see src/ops/spectral.ts): every Boltzmann factor carries
// exp()'s 3 + 2 tau x ULP (2u per ULP) plus the rounding of tau x and of lam itself (eigenvalues
// rounded to float32: relative u, so tau x changes by tau lam u); sums are compensated
// (~2u) and combined in a tree of depth 8 (8u). Relative error of Z, of <l> and of Var:
//   r(tau) = (12 + 8 + 2 (3 + 2 tau lmax) + 2 tau lmax) u.
// S = log Z + tau <l>: |dS| <= r + tau <l> r. C = tau^2 Var: |dC| <= C r + tau^2 (2 <l> d<l>) (the
// centring uses the computed mean; its error enters at second order, bounded generously by
// tau^2 <l>^2 r). |d d_S| <= d_S r.
function bounds(tau: number, lmax: number, t: ReturnType<typeof thermoFromSpectrum>) {
  const r = (26 + 6 * tau * lmax) * U32;
  return {
    Z: r * t.Z, mean: r * t.mean + 1e-30, S: r * (1 + tau * t.mean) + 1e-7, C: r * (t.C + tau * tau * t.mean * t.mean) + 1e-7, dS: r * t.dS + 1e-30,
  };
}

async function check(spec: number[], taus: number[]) {
  const e = engine();
  const ev = e.tensor(Float32Array.from(spec));
  const got = await spectralThermo(ev, taus);
  ev.dispose();
  const lmax = Math.max(...spec);
  taus.forEach((tau, i) => {
    const want = thermoFromSpectrum(Float32Array.from(spec), tau);
    const b = bounds(tau, lmax, want);
    expect(Math.abs(got.Z[i]! - want.Z), `Z at tau ${tau}`).toBeLessThanOrEqual(b.Z);
    expect(Math.abs(got.mean[i]! - want.mean), `<l> at tau ${tau}`).toBeLessThanOrEqual(b.mean);
    expect(Math.abs(got.S[i]! - want.S), `S at tau ${tau}`).toBeLessThanOrEqual(b.S);
    expect(Math.abs(got.C[i]! - want.C), `C at tau ${tau}`).toBeLessThanOrEqual(b.C);
    expect(Math.abs(got.dS[i]! - want.dS), `d_S at tau ${tau}`).toBeLessThanOrEqual(b.dS);
  });
  return got;
}

describe('spectralThermo', () => {
  it('complete graph K_10: C peak 2.0584 at tau = 0.34976 (SCIENCE.md)', async () => {
    // Fine grid around the peak: closed form C = x^2 g e^{-x} / (1 + g e^{-x})^2, x = 10 tau, g = 9.
    const taus = Array.from({ length: 201 }, (_, i) => 0.3 + (0.1 * i) / 200);
    const got = await check(completeSpectrum(10), taus);
    let k = 0;
    for (let i = 1; i < taus.length; i++) if (got.C[i]! > got.C[k]!) k = i;
    expect(Math.abs(taus[k]! - 0.34976)).toBeLessThanOrEqual(0.0005 + 1e-9); // grid step 5e-4
    expect(Math.abs(got.C[k]! - 2.0584)).toBeLessThanOrEqual(1e-3);
  });

  it('ring C_100 over a log grid, with S(0) = log N and S(inf) = log 1', async () => {
    const taus = [0, ...logGrid(1e-3, 1e4, 61)];
    const got = await check(ringSpectrum(100), taus);
    expect(Math.abs(got.S[0]! - Math.log(100))).toBeLessThanOrEqual(4 * U32 * Math.log(100) + 1e-6);
    expect(Math.abs(got.S[taus.length - 1]!)).toBeLessThanOrEqual(1e-6);
    // The ring's last finite-size peak: C = 0.7666 (SCIENCE.md).
    // at tau l_2 ~ 2.62, l_2 = 2 - 2 cos(2 pi / 100), i.e. tau ~ 664
    const fine = logGrid(400, 1000, 400);
    const ev = engine().tensor(Float32Array.from(ringSpectrum(100)));
    const r = await spectralThermo(ev, fine);
    ev.dispose();
    expect(Math.abs(Math.max(...r.C) - 0.7666)).toBeLessThanOrEqual(1e-3);
  });

  it('S(inf) = log(#components) for two disjoint K_5 with weights, and shapes of 1 and 257', async () => {
    const e = engine();
    // Two K_5: spectrum {0 x2, 5 x8} given as 2 levels with multiplicities.
    const got = await spectralThermoFromRule(e, [0, 5], [2, 8], [0, 50]);
    expect(Math.abs(got.S[0]! - Math.log(10))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(got.S[1]! - Math.log(2))).toBeLessThanOrEqual(1e-6);
    await check([0], [0, 1, 1000]);
    await check(Array.from({ length: 257 }, (_, i) => (i * 7.3) % 11), [0.01, 0.5, 3]);
  });

  it('rejects bad input', async () => {
    const e = engine();
    const ev = e.tensor(new Float32Array([0, 1]));
    const w = e.tensor(new Float32Array([1]));
    await expect(spectralThermo(ev, [-1])).rejects.toThrow(/spectralThermo: taus\[0\] = -1/);
    await expect(spectralThermo(ev, [NaN])).rejects.toThrow(ValueError);
    await expect(spectralThermo(ev, [])).rejects.toThrow(ShapeError);
    await expect(spectralThermo(ev, [1], { weights: w })).rejects.toThrow(/weights \[1\] must match eigenvalues \[2\]/);
    ev.dispose(); w.dispose();
  });
});
