// Float64 heat kernel for small symmetric matrices: Jacobi eigendecomposition (eigen.ts), then
// rho = U e^{-tau (Lambda - l_min)} U^T / Z. For n up to ~100 in tests.

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
