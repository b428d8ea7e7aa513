// Data sets with known answers, sampled on the host with a seeded PRNG: Gaussians and Gaussian
// mixtures (analytic score and density at every t), uniform boxes, and the 2-D toy sets of
// FFJORD's toy_data.py (checkerboard, 8 Gaussians, two moons, swiss roll, rings) in our own code.
// Entropies where known: Gaussian and mixtures (exact / Monte Carlo with the exact density),
// box d ln(width), checkerboard ln 32 (SCIENCE.md 2).
import { ValueError } from '../../runtime/errors.js';
import type { Sde } from './sde.js';
import { mulberry32 } from '../ops/host-numerics.js';

export function normalSampler(seed: number): () => number {
  const r = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - r(), v = r();
    const rad = Math.sqrt(-2 * Math.log(u));
    spare = rad * Math.sin(2 * Math.PI * v);
    return rad * Math.cos(2 * Math.PI * v);
  };
}

/** A mixture of Gaussians with diagonal covariances. */
export class GaussianMixture {
  readonly k: number;
  constructor(
    readonly dim: number,
    readonly weights: readonly number[],
    readonly means: readonly (readonly number[])[],
    readonly variances: readonly (readonly number[])[],
  ) {
    const op = 'GaussianMixture';
    this.k = weights.length;
    if (this.k < 1 || means.length !== this.k || variances.length !== this.k) throw new ValueError(op, `need equal numbers of weights, means and variances, got ${weights.length}, ${means.length}, ${variances.length}`);
    const tot = weights.reduce((s, w) => s + w, 0);
    if (!weights.every((w) => w > 0) || Math.abs(tot - 1) > 1e-9) throw new ValueError(op, `weights must be positive and sum to 1 (sum ${tot})`);
    for (let c = 0; c < this.k; c++) {
      if (means[c]!.length !== dim || variances[c]!.length !== dim) throw new ValueError(op, `component ${c} must have ${dim} means and variances`);
      if (!variances[c]!.every((v) => v > 0)) throw new ValueError(op, `component ${c} has a non-positive variance`);
    }
  }

  static isotropic(means: number[][], std: number, weights?: number[]): GaussianMixture {
    const k = means.length, d = means[0]!.length;
    return new GaussianMixture(d, weights ?? Array(k).fill(1 / k), means, means.map(() => Array(d).fill(std * std)));
  }

  /** Packed for shaders/diffusion/gmm_score.wgsl: [log w, mean (d), var (d)] per component. */
  packed(): Float32Array {
    const out: number[] = [];
    for (let c = 0; c < this.k; c++) out.push(Math.log(this.weights[c]!), ...this.means[c]!, ...this.variances[c]!);
    return Float32Array.from(out);
  }

  /** log p_t(x) of the diffused mixture (float64); t = 0 or no sde gives the data density. */
  logDensity(x: ArrayLike<number>, sde?: Sde, t = 0): number {
    const m = sde ? sde.mean(t) : 1, add = sde ? sde.variance(t) : 0;
    const lk: number[] = [];
    for (let c = 0; c < this.k; c++) {
      let q = Math.log(this.weights[c]!);
      for (let i = 0; i < this.dim; i++) {
        const v = m * m * this.variances[c]![i]! + add;
        const e = x[i]! - m * this.means[c]![i]!;
        q -= 0.5 * (e * e / v + Math.log(2 * Math.PI * v));
      }
      lk.push(q);
    }
    const mx = Math.max(...lk);
    return mx + Math.log(lk.reduce((s, v) => s + Math.exp(v - mx), 0));
  }

  sample(n: number, seed: number): Float32Array {
    const r = mulberry32(seed), z = normalSampler(seed + 1);
    const out = new Float32Array(n * this.dim);
    for (let s = 0; s < n; s++) {
      let u = r(), c = 0;
      while (c < this.k - 1 && u >= this.weights[c]!) u -= this.weights[c++]!;
      for (let i = 0; i < this.dim; i++) out[s * this.dim + i] = this.means[c]![i]! + Math.sqrt(this.variances[c]![i]!) * z();
    }
    return out;
  }

  /** Entropy of p_t: exact for one component, else Monte Carlo -E log p_t with n samples (returns the standard error too). */
  entropy(sde?: Sde, t = 0, n = 200000, seed = 99): { value: number; se: number } {
    if (this.k === 1) {
      const m2 = sde ? sde.mean(t) ** 2 : 1, add = sde ? sde.variance(t) : 0;
      return { value: this.variances[0]!.reduce((s, v) => s + 0.5 * Math.log(2 * Math.PI * Math.E * (m2 * v + add)), 0), se: 0 };
    }
    const x0 = this.sample(n, seed);
    const z = normalSampler(seed + 7);
    const m = sde ? sde.mean(t) : 1, sd = sde ? sde.std(t) : 0;
    let s1 = 0, s2 = 0;
    const x = new Float64Array(this.dim);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < this.dim; i++) x[i] = m * x0[j * this.dim + i]! + sd * z();
      const l = -this.logDensity(x, sde, t);
      s1 += l;
      s2 += l * l;
    }
    const mean = s1 / n;
    return { value: mean, se: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n) };
  }
}

export type DatasetName = 'gaussian' | 'mixture' | 'uniform' | 'checkerboard' | '8gaussians' | 'moons' | 'swissroll' | 'rings';

export interface Dataset {
  name: DatasetName;
  dim: number;
  sample(n: number, seed: number): Float32Array;
  /** Differential entropy in nats, where known. */
  entropy?: number;
  /** The data as a Gaussian mixture, when it is one (analytic score at every t). */
  mixture?: GaussianMixture;
  /** Per-coordinate variances of the data (for the Gaussian bound on S_1). */
  variances: number[];
}

function fromMixture(name: DatasetName, mix: GaussianMixture): Dataset {
  const mean = Array(mix.dim).fill(0), vars = Array(mix.dim).fill(0);
  for (let c = 0; c < mix.k; c++) for (let i = 0; i < mix.dim; i++) mean[i] += mix.weights[c]! * mix.means[c]![i]!;
  for (let c = 0; c < mix.k; c++) {
    for (let i = 0; i < mix.dim; i++) vars[i] += mix.weights[c]! * (mix.variances[c]![i]! + (mix.means[c]![i]! - mean[i]) ** 2);
  }
  return { name, dim: mix.dim, sample: (n, s) => mix.sample(n, s), entropy: mix.entropy().value, mixture: mix, variances: vars };
}

function empiricalVariances(sample: (n: number, s: number) => Float32Array, dim: number): number[] {
  const n = 20000, x = sample(n, 12345);
  const out: number[] = [];
  for (let i = 0; i < dim; i++) {
    let s = 0, s2 = 0;
    for (let j = 0; j < n; j++) {
      s += x[j * dim + i]!;
      s2 += x[j * dim + i]! ** 2;
    }
    out.push(s2 / n - (s / n) ** 2);
  }
  return out;
}

export interface DatasetOptions {
  dim?: number;
  /** Gaussian std / uniform half-width / mixture component std. */
  scale?: number;
}

/** A named data set. 2-D toy sets ignore `dim`. */
export function dataset(name: DatasetName, opts: DatasetOptions = {}): Dataset {
  const d = opts.dim ?? (name === 'gaussian' || name === 'uniform' || name === 'mixture' ? 1 : 2);
  switch (name) {
    case 'gaussian': {
      const s = opts.scale ?? 1;
      return fromMixture(name, new GaussianMixture(d, [1], [Array(d).fill(0)], [Array(d).fill(s * s)]));
    }
    case 'mixture': {
      // three components on a line through the origin
      const s = opts.scale ?? 0.5;
      const means = [-2, 0.5, 3].map((c) => Array.from({ length: d }, (_, i) => (i === 0 ? c : 0.3 * c)));
      return fromMixture(name, GaussianMixture.isotropic(means, s, [0.3, 0.5, 0.2]));
    }
    case '8gaussians': {
      // centres 4 (cos, sin)(k pi / 4), component std 0.5, all divided by 1.414 (FFJORD's layout)
      const means = Array.from({ length: 8 }, (_, k) => [4 * Math.cos((k * Math.PI) / 4) / 1.414, 4 * Math.sin((k * Math.PI) / 4) / 1.414]);
      return fromMixture(name, GaussianMixture.isotropic(means, 0.5 / 1.414));
    }
    case 'uniform': {
      const a = opts.scale ?? 1;
      const sample = (n: number, seed: number) => {
        const r = mulberry32(seed);
        return Float32Array.from({ length: n * d }, () => a * (2 * r() - 1));
      };
      return { name, dim: d, sample, entropy: d * Math.log(2 * a), variances: Array(d).fill((a * a) / 3) };
    }
    case 'checkerboard': {
      // 8 unit squares of a 4 x 4 board, scaled by 2: area 32, entropy ln 32
      const sample = (n: number, seed: number) => {
        const r = mulberry32(seed);
        const out = new Float32Array(2 * n);
        for (let j = 0; j < n; j++) {
          const x1 = 4 * r() - 2;
          const x2 = r() - (r() < 0.5 ? 0 : 2) + (((Math.floor(x1) % 2) + 2) % 2);
          out[2 * j] = 2 * x1;
          out[2 * j + 1] = 2 * x2;
        }
        return out;
      };
      return { name, dim: 2, sample, entropy: Math.log(32), variances: empiricalVariances(sample, 2) };
    }
    case 'moons': {
      const sample = (n: number, seed: number) => {
        const r = mulberry32(seed), z = normalSampler(seed + 3);
        const out = new Float32Array(2 * n);
        for (let j = 0; j < n; j++) {
          const a = Math.PI * r();
          const upper = r() < 0.5;
          const x = upper ? Math.cos(a) : 1 - Math.cos(a);
          const y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
          out[2 * j] = 2 * (x + 0.1 * z()) - 1;
          out[2 * j + 1] = 2 * (y + 0.1 * z()) - 0.2;
        }
        return out;
      };
      return { name, dim: 2, sample, variances: empiricalVariances(sample, 2) };
    }
    case 'swissroll': {
      const sample = (n: number, seed: number) => {
        const r = mulberry32(seed), z = normalSampler(seed + 5);
        const out = new Float32Array(2 * n);
        for (let j = 0; j < n; j++) {
          const t = 1.5 * Math.PI * (1 + 2 * r());
          out[2 * j] = (t * Math.cos(t) + z()) / 5;
          out[2 * j + 1] = (t * Math.sin(t) + z()) / 5;
        }
        return out;
      };
      return { name, dim: 2, sample, variances: empiricalVariances(sample, 2) };
    }
    case 'rings': {
      // four concentric circles of radii 1, 2, 3, 4 (scaled by 0.9), Gaussian jitter 0.08
      const sample = (n: number, seed: number) => {
        const r = mulberry32(seed), z = normalSampler(seed + 9);
        const out = new Float32Array(2 * n);
        for (let j = 0; j < n; j++) {
          const rad = 0.9 * (1 + Math.floor(4 * r()));
          const a = 2 * Math.PI * r();
          out[2 * j] = rad * Math.cos(a) + 0.08 * z();
          out[2 * j + 1] = rad * Math.sin(a) + 0.08 * z();
        }
        return out;
      };
      return { name, dim: 2, sample, variances: empiricalVariances(sample, 2) };
    }
    default:
      throw new ValueError('dataset', `unknown data set '${name as string}' (gaussian, mixture, uniform, checkerboard, 8gaussians, moons, swissroll, rings)`);
  }
}
