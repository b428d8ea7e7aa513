// Float64 helpers for the statistical checks of the random number tests.

/** erfc(x) for x >= 0 by the continued fraction / series of Numerical Recipes' erfcc (|rel err| < 1.2e-7). */
function erfcPos(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}

/** Standard normal CDF (absolute error < 1e-7, far below the KS resolution 1/sqrt(n)). */
export function normalCdf(z: number): number {
  const e = 0.5 * erfcPos(Math.abs(z) / Math.SQRT2);
  return z >= 0 ? 1 - e : e;
}

/** Kolmogorov-Smirnov statistic sqrt(n) sup |F_n - F| of a sample against a continuous CDF. */
export function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return Math.sqrt(n) * d;
}

export function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return { mean: m, variance: v / (x.length - 1) };
}
