// Float64 heat kernel for small symmetric matrices: cyclic Jacobi eigendecomposition, then
// rho = U e^{-tau (Lambda - l_min)} U^T / Z. Readable, O(n^3) per sweep; for n up to ~100 in tests.

/** Eigenvalues (ascending) and eigenvectors (columns of U, row-major n x n) of a symmetric matrix. */
export function symEig(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-34 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x]! - a[y * n + y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  idx.forEach((src, col) => {
    values[col] = a[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + col] = v[k * n + src]!;
  });
  return { values, vectors };
}

/** rho(tau) = e^{-tau L} / Tr e^{-tau L} for a symmetric L, via its eigendecomposition. */
export function heatRho(eig: { values: Float64Array; vectors: Float64Array }, n: number, tau: number): Float64Array {
  const { values, vectors } = eig;
  const lmin = values[0]!;
  const w = values.map((l) => Math.exp(-tau * (l - lmin)));
  const Z = w.reduce((s, x) => s + x, 0);
  const rho = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * w[k]! * vectors[j * n + k]!;
      rho[i * n + j] = s / Z;
      rho[j * n + i] = s / Z;
    }
  }
  return rho;
}
