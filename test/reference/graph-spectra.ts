// Float64 references for sparse Laplacians, heat kernels and spectral thermodynamics:
// dense Laplacians, dense products, closed-form spectra (ring, complete graph, torus), a cyclic
// Jacobi eigensolver for small dense symmetric matrices, and thermodynamics from eigenvalues.

export interface Edges { src: number[]; dst: number[]; weight: number[] }

export function ringEdges(n: number): Edges {
  const e: Edges = { src: [], dst: [], weight: [] };
  for (let i = 0; i < n; i++) { e.src.push(i); e.dst.push((i + 1) % n); e.weight.push(1); }
  return e;
}

export function completeEdges(n: number, offset = 0): Edges {
  const e: Edges = { src: [], dst: [], weight: [] };
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { e.src.push(i + offset); e.dst.push(j + offset); e.weight.push(1); }
  return e;
}

/** L1 x L2 periodic lattice, node (x, y) = x * L2 + y. */
export function torusEdges(l1: number, l2: number): Edges {
  const e: Edges = { src: [], dst: [], weight: [] };
  for (let x = 0; x < l1; x++) for (let y = 0; y < l2; y++) {
    e.src.push(x * l2 + y); e.dst.push(((x + 1) % l1) * l2 + y); e.weight.push(1);
    e.src.push(x * l2 + y); e.dst.push(x * l2 + ((y + 1) % l2)); e.weight.push(1);
  }
  return e;
}

export const ringSpectrum = (n: number) => Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n));
export const torusSpectrum = (l1: number, l2: number) => ringSpectrum(l1).flatMap((a) => ringSpectrum(l2).map((b) => a + b));
export const completeSpectrum = (n: number) => [0, ...Array(n - 1).fill(n)];

/** Dense L = D - A (row-major n x n); undirected adds both directions; self-loops cancel. */
export function denseLaplacian(n: number, e: Edges, directed: boolean): Float64Array {
  const L = new Float64Array(n * n);
  const add = (u: number, v: number, w: number) => { L[u * n + v]! -= w; L[u * n + u]! += w; };
  for (let k = 0; k < e.src.length; k++) {
    const u = e.src[k]!, v = e.dst[k]!, w = e.weight[k]!;
    if (u === v) continue;
    add(u, v, w);
    if (!directed) add(v, u, w);
  }
  return L;
}

/** Y = A X for dense A [n, n] and row-major X [n, b]; also sum |A||X| for error bounds. */
export function denseMatmul(A: Float64Array, X: ArrayLike<number>, n: number, b: number): { y: Float64Array; abs: Float64Array } {
  const y = new Float64Array(n * b), abs = new Float64Array(n * b);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const a = A[i * n + j]!;
    if (a === 0) continue;
    for (let q = 0; q < b; q++) { y[i * b + q]! += a * X[j * b + q]!; abs[i * b + q]! += Math.abs(a * X[j * b + q]!); }
  }
  return { y, abs };
}

/** Cyclic Jacobi eigen-decomposition of a dense symmetric matrix: values and row-major vectors (columns). */
export function jacobiEigen(A0: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(A0);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j]! ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = A[p * n + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = A[k * n + p]!, akq = A[k * n + q]!;
        A[k * n + p] = c * akp - s * akq; A[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = A[p * n + k]!, aqk = A[q * n + k]!;
        A[p * n + k] = c * apk - s * aqk; A[q * n + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
        V[k * n + p] = c * vkp - s * vkq; V[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => A[i * n + i]!), vectors: V };
}

/** exp(-tau L) X from an eigen-decomposition (row-major X [n, b]). */
export function heatApply(eig: { values: Float64Array; vectors: Float64Array }, X: ArrayLike<number>, n: number, b: number, tau: number): Float64Array {
  const { values, vectors: U } = eig;
  const c = new Float64Array(n * b);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) for (let q = 0; q < b; q++) c[j * b + q]! += U[i * n + j]! * X[i * b + q]!;
  for (let j = 0; j < n; j++) for (let q = 0; q < b; q++) c[j * b + q]! *= Math.exp(-tau * Math.max(0, values[j]!));
  const y = new Float64Array(n * b);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let q = 0; q < b; q++) y[i * b + q]! += U[i * n + j]! * c[j * b + q]!;
  return y;
}

/** Dense heat kernel of the ring C_n: K_ij = (1/n) sum_k e^{-tau l_k} cos(2 pi k (i - j) / n). */
export function ringHeatKernel(n: number, tau: number): Float64Array {
  const spec = ringSpectrum(n);
  const row = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(-tau * spec[k]!) * Math.cos((2 * Math.PI * k * d) / n);
    row[d] = s / n;
  }
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = row[(i - j + n) % n]!;
  return K;
}

/** exp(-tau L_torus) X = (K1 kron K2) X for the l1 x l2 torus (torusEdges numbering). */
export function torusHeatApply(l1: number, l2: number, X: ArrayLike<number>, b: number, tau: number): Float64Array {
  const K1 = ringHeatKernel(l1, tau), K2 = ringHeatKernel(l2, tau);
  const tmp = new Float64Array(l1 * l2 * b), y = new Float64Array(l1 * l2 * b);
  for (let x = 0; x < l1; x++) for (let y2 = 0; y2 < l2; y2++) for (let j = 0; j < l2; j++) {
    const k = K2[y2 * l2 + j]!;
    for (let q = 0; q < b; q++) tmp[(x * l2 + y2) * b + q]! += k * X[(x * l2 + j) * b + q]!;
  }
  for (let x = 0; x < l1; x++) for (let i = 0; i < l1; i++) {
    const k = K1[x * l1 + i]!;
    for (let y2 = 0; y2 < l2; y2++) for (let q = 0; q < b; q++) y[(x * l2 + y2) * b + q]! += k * tmp[(i * l2 + y2) * b + q]!;
  }
  return y;
}

export interface Thermo { Z: number; mean: number; variance: number; S: number; C: number; dS: number }

/** Exact thermodynamics from a spectrum (float64, centred variance). */
export function thermoFromSpectrum(spec: ArrayLike<number>, tau: number): Thermo {
  let Z = 0, m1 = 0;
  for (let i = 0; i < spec.length; i++) { const e = Math.exp(-tau * spec[i]!); Z += e; m1 += spec[i]! * e; }
  const mean = m1 / Z;
  let v = 0;
  for (let i = 0; i < spec.length; i++) v += (spec[i]! - mean) ** 2 * Math.exp(-tau * spec[i]!);
  const variance = v / Z;
  return { Z, mean, variance, S: Math.log(Z) + tau * mean, C: tau * tau * variance, dS: 2 * tau * mean };
}
