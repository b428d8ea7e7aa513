// Characteristic scales of the entropy sweep: peaks of the specific heat C(tau), refined on the
// exact C(tau) of a discrete spectral measure (eigenvalues, or SLQ nodes and weights), and
// plateaus where C is flat (scale-invariant regimes, C = d_s / 2).
//
// Host float64: the spectrum is small data once computed on the GPU, and refinement needs
// many evaluations of C at arbitrary tau, which a grid kernel cannot give.

/** A spectral measure: nodes l_i >= 0 with weights w_i (all 1 for an exact spectrum). */
export interface SpectralMeasure {
  nodes: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

export interface Thermo {
  Z: number;
  meanL: number;
  varL: number;
  S: number;
  C: number;
}

/**
 * Exact thermodynamics at one tau in float64: Z = sum w e^{-tau l}, S = log Z + tau <l>,
 * C = tau^2 Var(l), with the variance computed centred (no cancellation of <l^2> - <l>^2).
 * The shift by l_min keeps every exponent <= 0.
 */
export function thermoAt(m: SpectralMeasure, tau: number): Thermo {
  const { nodes } = m;
  const n = nodes.length;
  let lmin = Infinity;
  for (let i = 0; i < n; i++) lmin = Math.min(lmin, nodes[i]!);
  let Z = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const w = (m.weights ? m.weights[i]! : 1) * Math.exp(-tau * (nodes[i]! - lmin));
    Z += w;
    s1 += w * nodes[i]!;
  }
  const mean = s1 / Z;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const w = (m.weights ? m.weights[i]! : 1) * Math.exp(-tau * (nodes[i]! - lmin));
    const d = nodes[i]! - mean;
    v += w * d * d;
  }
  const varL = v / Z;
  // log of the unshifted Z: log(sum w e^{-tau l}) = log Z_shifted - tau l_min
  const logZ = Math.log(Z) - tau * lmin;
  return { Z: Math.exp(logZ), meanL: mean, varL, S: logZ + tau * mean, C: tau * tau * varL };
}

export interface Peak {
  /** Refined tau of the maximum of C. */
  tau: number;
  /** C at the refined tau. */
  C: number;
  /** Grid index of the local maximum the refinement started from. */
  gridIndex: number;
  /** Topographic prominence of the grid peak (same units as C). */
  prominence: number;
}

/**
 * Interior local maxima of y with their topographic prominence (scipy.signal's definition):
 * walk each side until higher ground or the grid's end; the higher of the two minima found is
 * the base. Flat-topped maxima count once. Maxima at the grid's ends are not reported: there
 * the true peak lies outside the sweep.
 */
export function localMaxima(y: ArrayLike<number>): { index: number; prominence: number }[] {
  const n = y.length;
  const out: { index: number; prominence: number }[] = [];
  for (let i = 1; i < n - 1; i++) {
    const v = y[i]!;
    if (!(y[i - 1]! < v)) continue;
    let j = i;
    while (j + 1 < n && y[j + 1] === v) j++;
    if (j === n - 1 || !(y[j + 1]! < v)) continue;
    let leftMin = v;
    for (let k = i - 1; k >= 0 && y[k]! <= v; k--) leftMin = Math.min(leftMin, y[k]!);
    let rightMin = v;
    for (let k = j + 1; k < n && y[k]! <= v; k++) rightMin = Math.min(rightMin, y[k]!);
    out.push({ index: i, prominence: v - Math.max(leftMin, rightMin) });
  }
  return out;
}

/** Golden-section maximisation of f on [a, b] (f unimodal there), to relative tolerance tol in x. */
export function goldenMax(f: (x: number) => number, a: number, b: number, tol = 1e-10): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 200 && Math.abs(b - a) > tol * (Math.abs(a) + Math.abs(b)); it++) {
    if (fc > fd) {
      b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Peaks of C on the grid with prominence >= minProminence, each refined by maximising the
 * exact C(tau) of the measure in log tau between the neighbouring grid points.
 */
export function findPeaks(m: SpectralMeasure, taus: ArrayLike<number>, C: ArrayLike<number>, minProminence: number): Peak[] {
  const peaks: Peak[] = [];
  for (const { index, prominence } of localMaxima(C)) {
    if (prominence < minProminence) continue;
    const lo = Math.log(taus[index - 1]!);
    const hi = Math.log(taus[index + 1]!);
    const x = goldenMax((lt) => thermoAt(m, Math.exp(lt)).C, lo, hi, 1e-12);
    const tau = Math.exp(x);
    peaks.push({ tau, C: thermoAt(m, tau).C, gridIndex: index, prominence });
  }
  return peaks;
}

export interface Plateau {
  tauStart: number;
  tauEnd: number;
  /** Mean C over the run. */
  C: number;
  /** Spectral dimension read off the plateau, d_s = 2 C. */
  spectralDimension: number;
  /** Decades of tau the run spans. */
  decades: number;
}

/**
 * Plateaus: maximal runs of the grid where C stays within +-tol of the run's mean and above
 * `minC` (the C ~ 0 tails at both ends are not scale-invariant regimes), spanning at least
 * `minDecades` decades of tau.
 */
export function findPlateaus(taus: ArrayLike<number>, C: ArrayLike<number>, tol = 0.05, minDecades = 0.5, minC = 0.1): Plateau[] {
  const out: Plateau[] = [];
  const n = taus.length;
  let i = 0;
  while (i < n) {
    if (C[i]! < minC) { i++; continue; }
    let lo = C[i]!, hi = C[i]!, j = i;
    while (j + 1 < n && C[j + 1]! >= minC && Math.max(hi, C[j + 1]!) - Math.min(lo, C[j + 1]!) <= 2 * tol) {
      j++;
      lo = Math.min(lo, C[j]!);
      hi = Math.max(hi, C[j]!);
    }
    const decades = Math.log10(taus[j]! / taus[i]!);
    if (decades >= minDecades) {
      let s = 0;
      for (let k = i; k <= j; k++) s += C[k]!;
      const mean = s / (j - i + 1);
      out.push({ tauStart: taus[i]!, tauEnd: taus[j]!, C: mean, spectralDimension: 2 * mean, decades });
      i = j + 1;
    } else i++;
  }
  return out;
}

/** Log-spaced grid of `points` taus from lo to hi inclusive. */
export function logGrid(lo: number, hi: number, points: number): Float64Array {
  const g = new Float64Array(points);
  const a = Math.log(lo), b = Math.log(hi);
  for (let i = 0; i < points; i++) g[i] = Math.exp(points === 1 ? a : a + ((b - a) * i) / (points - 1));
  return g;
}
