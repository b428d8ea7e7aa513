// Small float64 host computations used by the Krylov/Chebyshev ops: the symmetric tridiagonal
// eigenproblem (k <= a few hundred, read back from the GPU once), scaled modified Bessel
// functions for Chebyshev coefficients, and a seeded generator for probe vectors.

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal d[0..m) and
 * off-diagonal e[0..m-1) (e[i] couples i and i+1), by the implicit QL method with Wilkinson
 * shifts. Returns the eigenvalues (unsorted) and the eigenvector matrix z, row-major m x m
 * (column j is the eigenvector of eigenvalue j). Backward stable: eigenvalues within
 * ~m u64 ||T|| (u64 = 2^-53).
 */
export function tridiagEigen(d: ArrayLike<number>, e: ArrayLike<number>): { values: Float64Array; vectors: Float64Array } {
  const m = d.length;
  const dd = Float64Array.from(d);
  const ee = new Float64Array(m);
  for (let i = 0; i + 1 < m; i++) ee[i] = e[i]!;
  const z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) z[i * m + i] = 1;
  for (let l = 0; l < m; l++) {
    for (let iter = 0; ; iter++) {
      // Find a negligible off-diagonal element at or after l.
      let mm = l;
      for (; mm < m - 1; mm++) {
        const s = Math.abs(dd[mm]!) + Math.abs(dd[mm + 1]!);
        if (Math.abs(ee[mm]!) <= Number.EPSILON * s || ee[mm] === 0) break;
      }
      if (mm === l) break;
      if (iter > 60) throw new Error('tridiagEigen: QL iteration did not converge in 60 sweeps');
      // Wilkinson shift from the leading 2x2 block.
      let g = (dd[l + 1]! - dd[l]!) / (2 * ee[l]!);
      let r = Math.hypot(g, 1);
      g = dd[mm]! - dd[l]! + ee[l]! / (g + (g >= 0 ? r : -r));
      let s = 1, c = 1, p = 0;
      let i = mm - 1;
      let deflated = false;
      for (; i >= l; i--) {
        const f = s * ee[i]!;
        const b = c * ee[i]!;
        r = Math.hypot(f, g);
        ee[i + 1] = r;
        if (r === 0) {
          dd[i + 1] = dd[i + 1]! - p;
          ee[mm] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = dd[i + 1]! - p;
        r = (dd[i]! - g) * s + 2 * c * b;
        p = s * r;
        dd[i + 1] = g + p;
        g = c * r - b;
        for (let k = 0; k < m; k++) {
          const zf = z[k * m + i + 1]!;
          const zi = z[k * m + i]!;
          z[k * m + i + 1] = s * zi + c * zf;
          z[k * m + i] = c * zi - s * zf;
        }
      }
      if (deflated) continue;
      dd[l] = dd[l]! - p;
      ee[l] = g;
      ee[mm] = 0;
    }
  }
  return { values: dd, vectors: z };
}

/**
 * e^{-x} I_k(x) for k = 0..kmax, x >= 0, by Miller's backward recurrence
 * I_{k-1} = (2k/x) I_k + I_{k+1}, normalised with e^{x} = I_0(x) + 2 sum_{k>=1} I_k(x).
 * No overflow for any x (rescaled during the recurrence); relative accuracy ~1e-15 where the
 * value is above ~1e-290. The start index sqrt(kmax^2 + 80x) + 30 makes the neglected
 * I_start / I_kmax below e^-40 (I_k(x) ~ e^{x - k^2/(2x)} for k << x, (x/2)^k/k! for k >> x).
 */
export function scaledBesselI(x: number, kmax: number): Float64Array {
  const out = new Float64Array(kmax + 1);
  if (x === 0) {
    out[0] = 1;
    return out;
  }
  const start = Math.ceil(Math.sqrt(kmax * kmax + 80 * x)) + 30;
  let fk1 = 0; // I_{k+1}
  let fk = 1e-280; // I_k at k = start
  let sum = 0;
  for (let k = start; k >= 1; k--) {
    const fkm1 = ((2 * k) / x) * fk + fk1;
    if (k <= kmax) out[k] = fk;
    sum += 2 * fk;
    fk1 = fk;
    fk = fkm1;
    if (Math.abs(fk) > 1e250) {
      // Rescale everything accumulated so far.
      fk *= 1e-250; fk1 *= 1e-250; sum *= 1e-250;
      for (let j = k; j <= kmax; j++) out[j]! *= 1e-250;
    }
  }
  sum += fk; // I_0
  out[0] = fk;
  for (let j = 0; j <= kmax; j++) out[j]! /= sum;
  return out;
}

/** Seeded uniform PRNG (mulberry32): weight initialisation and host-sampled data sets. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic 32-bit generator (splitmix32); seeds are any integers. */
export function seededRandom(seed: number): () => number {
  let s = (seed | 0) >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}
