// Peak and plateau finding on exact spectra with known answers (SCIENCE.md section 1).
import { describe, expect, it } from 'vitest';
import { findPeaks, findPlateaus, localMaxima, logGrid, thermoAt } from '../../src/rg/scales.js';

function ringSpectrum(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n));
}

describe('thermodynamics of a spectral measure', () => {
  it('matches the closed form of the complete graph', () => {
    const N = 10, g = N - 1;
    const nodes = [0, ...Array(g).fill(N)];
    for (const tau of [1e-3, 0.1, 0.35, 2, 50]) {
      const x = N * tau;
      const t = thermoAt({ nodes }, tau);
      const want = (x * x * g * Math.exp(-x)) / (1 + g * Math.exp(-x)) ** 2;
      expect(Math.abs(t.C - want)).toBeLessThan(1e-12);
    }
    expect(thermoAt({ nodes }, 0).S).toBeCloseTo(Math.log(N), 12);
    expect(thermoAt({ nodes }, 1e3).S).toBeCloseTo(0, 12);
  });
});

describe('peaks', () => {
  it('refines the K_10 peak to C = 2.0584 at tau = 0.34976', () => {
    const nodes = [0, ...Array(9).fill(10)];
    const taus = logGrid(1e-3, 10, 41); // coarse on purpose: refinement, not the grid, finds it
    const C = Array.from(taus, (t) => thermoAt({ nodes }, t).C);
    const peaks = findPeaks({ nodes }, taus, C, 0.1);
    expect(peaks).toHaveLength(1);
    expect(Math.abs(peaks[0]!.tau / 0.34976 - 1)).toBeLessThan(1e-4);
    expect(Math.abs(peaks[0]!.C - 2.0584)).toBeLessThan(1e-4);
  });

  it('finds the last finite-size peak of the ring C_100 at tau l_2 ~ 2.62 with C = 0.7666', () => {
    const nodes = ringSpectrum(100);
    const l2 = 2 - 2 * Math.cos((2 * Math.PI) / 100);
    const taus = logGrid(1e-3 / 4, 1e3 / l2, 256);
    const C = Array.from(taus, (t) => thermoAt({ nodes }, t).C);
    const peaks = findPeaks({ nodes }, taus, C, 0.02);
    const last = peaks[peaks.length - 1]!;
    expect(Math.abs(last.tau * l2 - 2.62)).toBeLessThan(0.03);
    expect(Math.abs(last.C - 0.7666)).toBeLessThan(1e-3);
  });

  it('computes prominence like scipy on a hand-made profile', () => {
    const y = [0, 3, 1, 2, 1, 5, 0];
    expect(localMaxima(y)).toEqual([
      { index: 1, prominence: 2 }, // 3 minus the higher base (1, on the way to the 5)
      { index: 3, prominence: 1 },
      { index: 5, prominence: 5 },
    ]);
    expect(localMaxima([1, 2, 3])).toEqual([]); // maximum on the grid's edge
  });
});

describe('plateaus', () => {
  it('reads d_s = 1 off the ring plateau (C ~ 0.5)', () => {
    const nodes = ringSpectrum(1000);
    const taus = logGrid(1e-3, 1e5, 256);
    const C = Array.from(taus, (t) => thermoAt({ nodes }, t).C);
    const plateaus = findPlateaus(taus, C, 0.05, 1);
    expect(plateaus.length).toBeGreaterThanOrEqual(1);
    const p = plateaus.reduce((a, b) => (b.decades > a.decades ? b : a));
    expect(Math.abs(p.spectralDimension - 1)).toBeLessThan(0.1);
  });
});
