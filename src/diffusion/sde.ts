// The forward SDEs of score-based diffusion (SCIENCE.md 2), host-side float64 formulas. The
// kernels receive the per-time coefficients as uniforms (or, for per-row times, the constants
// kind / sa / sb and re-evaluate these formulas in float32: shaders/diffusion/dsm_batch.wgsl).
//   VE (tutorial form): f = 0, g^2 = sigma^(2t), m = 1, std^2 = (sigma^(2t) - 1) / (2 ln sigma).
//   VP: beta(t) = beta_min + (beta_max - beta_min) t, f = -beta x / 2, g^2 = beta,
//       B(t) = int_0^t beta, m = exp(-B / 2), std^2 = 1 - exp(-B).
import { ValueError } from '../../runtime/errors.js';

export type SdeKind = 'VE' | 'VP';

export interface SdeOptions {
  kind: SdeKind;
  /** VE sigma (default 25). */
  sigma?: number;
  /** VP beta_min (default 0.1). */
  betaMin?: number;
  /** VP beta_max (default 20). */
  betaMax?: number;
}

export class Sde {
  readonly kind: SdeKind;
  readonly sigma: number;
  readonly betaMin: number;
  readonly betaMax: number;

  constructor(opts: SdeOptions) {
    if (opts.kind !== 'VE' && opts.kind !== 'VP') throw new ValueError('Sde', `kind must be 'VE' or 'VP', got '${opts.kind}'`);
    this.kind = opts.kind;
    this.sigma = opts.sigma ?? 25;
    this.betaMin = opts.betaMin ?? 0.1;
    this.betaMax = opts.betaMax ?? 20;
    if (this.kind === 'VE' && !(this.sigma > 1)) throw new ValueError('Sde', `VE sigma must be > 1, got ${this.sigma}`);
    if (this.kind === 'VP' && !(this.betaMin > 0 && this.betaMax >= this.betaMin)) {
      throw new ValueError('Sde', `VP needs 0 < betaMin <= betaMax, got ${this.betaMin}, ${this.betaMax}`);
    }
  }

  /** Kernel constants: kind id (1 VE, 2 VP) and the two parameters (ln sigma | beta_min, beta_max). */
  get kernelParams(): { kind: number; sa: number; sb: number } {
    return this.kind === 'VE' ? { kind: 1, sa: Math.log(this.sigma), sb: 0 } : { kind: 2, sa: this.betaMin, sb: this.betaMax };
  }

  private bint(t: number): number {
    return this.betaMin * t + 0.5 * (this.betaMax - this.betaMin) * t * t;
  }

  /** Mean scale m(t): x_t = m x_0 + std z. */
  mean(t: number): number {
    return this.kind === 'VE' ? 1 : Math.exp(-0.5 * this.bint(t));
  }

  /** Added variance std(t)^2. */
  variance(t: number): number {
    if (this.kind === 'VE') {
      const ls = Math.log(this.sigma);
      return Math.expm1(2 * t * ls) / (2 * ls);
    }
    return -Math.expm1(-this.bint(t));
  }

  std(t: number): number {
    return Math.sqrt(this.variance(t));
  }

  /** g(t)^2. */
  g2(t: number): number {
    return this.kind === 'VE' ? this.sigma ** (2 * t) : this.betaMin + (this.betaMax - this.betaMin) * t;
  }

  /** Drift coefficient: f(x, t) = fcoef(t) x. */
  fcoef(t: number): number {
    return this.kind === 'VE' ? 0 : -0.5 * this.g2(t);
  }

  /** Variance of the prior pi = N(0, priorVar I) at t = 1. */
  get priorVar(): number {
    return this.kind === 'VE' ? this.variance(1) : 1;
  }

  /** rho(t) = ln(std^2 / m^2), the inverse log-SNR; d rho / dt = g^2 / std^2. */
  rho(t: number): number {
    return Math.log(this.variance(t) / this.mean(t) ** 2);
  }

  /** Inverse of rho. */
  rhoInverse(rho: number): number {
    if (this.kind === 'VE') {
      const ls = Math.log(this.sigma);
      return Math.log1p(2 * ls * Math.exp(rho)) / (2 * ls);
    }
    const b = rho > 0 ? rho + Math.log1p(Math.exp(-rho)) : Math.log1p(Math.exp(rho));
    const db = this.betaMax - this.betaMin;
    return db === 0 ? b / this.betaMin : (2 * b) / (this.betaMin + Math.sqrt(this.betaMin ** 2 + 2 * db * b));
  }

  /** Entropy (nats) of N(m mu, m^2 Sigma + std^2 I) for data N(mu, Sigma) with Sigma's eigenvalues `dataVars`. */
  gaussianEntropy(t: number, dataVars: readonly number[]): number {
    const m2 = this.mean(t) ** 2, v = this.variance(t);
    return dataVars.reduce((s, lam) => s + 0.5 * Math.log(2 * Math.PI * Math.E * (m2 * lam + v)), 0);
  }
}
