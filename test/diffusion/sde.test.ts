import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { Sde, dataset, fillNoise, ValueError } from '../../src/index.js';

const engine = useEngine();

describe('SDEs and data sets', () => {
  it('VE and VP marginals, g^2, prior and the log-SNR map (float64)', () => {
    const ve = new Sde({ kind: 'VE', sigma: 10 });
    expect(ve.variance(1)).toBeCloseTo(99 / (2 * Math.log(10)), 12);
    expect(ve.g2(0.5)).toBeCloseTo(10, 12);
    expect(ve.gaussianEntropy(1, [1])).toBeCloseTo(2.97564, 5); // SCIENCE.md 2
    const vp = new Sde({ kind: 'VP' });
    expect(vp.mean(1)).toBeCloseTo(Math.exp(-0.5 * (0.1 + 0.5 * 19.9)), 12);
    expect(vp.variance(1) + vp.mean(1) ** 2).toBeCloseTo(1, 12);
    for (const s of [ve, vp]) {
      for (const t of [1e-5, 0.01, 0.3, 1]) {
        expect(s.rhoInverse(s.rho(t))).toBeCloseTo(t, 9);
        // d rho / dt = g^2 / std^2 (central difference, h = 1e-7: error ~ 1e-6 relative)
        const h = 1e-7 * Math.max(t, 1e-4);
        const fd = (s.rho(t + h) - s.rho(t - Math.min(h, t / 2))) / (h + Math.min(h, t / 2));
        expect(Math.abs(fd / (s.g2(t) / s.variance(t)) - 1)).toBeLessThan(1e-4);
      }
    }
    expect(() => new Sde({ kind: 'XX' as never })).toThrow(ValueError);
  });

  it('toy data sets are seeded and have the stated entropies', () => {
    const cb = dataset('checkerboard');
    expect(cb.entropy).toBeCloseTo(Math.log(32), 12);
    const a = cb.sample(1000, 3), b = cb.sample(1000, 3);
    expect(Array.from(a)).toEqual(Array.from(b));
    // every checkerboard point lies in a square of the 8 occupied 2 x 2 cells of [-4, 4]^2
    for (let i = 0; i < 1000; i++) {
      const x = Math.floor(a[2 * i]! / 2), y = Math.floor(a[2 * i + 1]! / 2);
      expect(Math.abs(a[2 * i]!)).toBeLessThanOrEqual(4);
      expect((((x + y) % 2) + 2) % 2).toBe(0);
    }
    expect(dataset('uniform', { dim: 3, scale: 2 }).entropy).toBeCloseTo(3 * Math.log(4), 12);
    const g8 = dataset('8gaussians');
    // 8 well-separated components of std 0.5/1.414: ln 8 + ln(2 pi e var) = 2.84 (SCIENCE.md 2)
    expect(Math.abs(g8.entropy! - (Math.log(8) + Math.log(2 * Math.PI * Math.E * (0.5 / 1.414) ** 2)))).toBeLessThan(0.01);
    for (const name of ['moons', 'swissroll', 'rings'] as const) expect(dataset(name).sample(10, 1).length).toBe(20);
    expect(() => dataset('nope' as never)).toThrow(/unknown data set 'nope'/);
  });

  it('Philox noise: normal, uniform and Rademacher moments', async () => {
    const e = engine();
    const n = 1 << 16;
    const t = e.empty([n]);
    const moments = async (kind: 'normal' | 'uniform' | 'rademacher') => {
      await fillNoise(e, t, kind, 42, 3, 7);
      const v = await t.read();
      let s = 0, s2 = 0;
      for (const x of v) {
        s += x;
        s2 += x * x;
      }
      return { mean: s / n, m2: s2 / n, v };
    };
    // 6 standard errors: mean SE = sd / sqrt(n), second-moment SE = sqrt(Var x^2 / n)
    const z = await moments('normal');
    expect(Math.abs(z.mean)).toBeLessThan(6 / 256);
    expect(Math.abs(z.m2 - 1)).toBeLessThan(6 * Math.sqrt(2 / n));
    const u = await moments('uniform');
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(6 * Math.sqrt(1 / 12 / n));
    expect(u.v.every((x) => x > 0 && x < 1)).toBe(true);
    const r = await moments('rademacher');
    expect(r.v.every((x) => x === 1 || x === -1)).toBe(true);
    expect(Math.abs(r.mean)).toBeLessThan(6 / 256);
    t.dispose();
  });
});
