// Spectral thermodynamics of a Laplacian from its eigenvalues (or a quadrature rule such as
// SLQ's nodes and weights) over a whole tau grid, in one dispatch of
// shaders/linalg/spectral_thermo.wgsl (one workgroup per tau).
//
// Returns plain Float32Arrays (one readback of [taus, 6]): Z (shifted: sum w e^{-tau (l - lmin)}),
// <l>, Var = <(l - <l>)^2> (computed centred, second pass), S = log Z + tau (<l> - lmin)
// (shift-invariant, = -Tr rho log rho), C = tau^2 Var, d_S = 2 tau <l>.
//
// Accuracy (float32): the sums are Neumaier-compensated per invocation and combined by a pairwise
// tree, so each sum is within ~(2 + log2 256) u of exact plus the exp() error, which WGSL bounds
// by 3 + 2 |tau x| ULP. Hence |dZ|/Z, |d<l>|/<l>, |dVar|/(Var + ...) ~ (12 + 2 tau l_max) u and
// |dS| <~ (12 + 2 tau l_max) u (1 + tau <l>); see test/linalg/spectral.test.ts for the bounds used.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { engineOf } from './common.js';

const THERMO_WG = 256;

export interface SpectralThermoOptions {
  /** Weights (multiplicities or quadrature weights), f32 [M]; default all 1. */
  weights?: Tensor;
  /** Shift: levels are measured from lmin (default 0, the Laplacian's); levels below it count as lmin. */
  lmin?: number;
}

export interface ThermoResult {
  taus: Float32Array;
  Z: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  S: Float32Array;
  C: Float32Array;
  dS: Float32Array;
}

/** Z, <l>, Var, S, C, d_S at every tau from eigenvalues [M] (optionally weighted). */
export async function spectralThermo(eigenvalues: Tensor, taus: ArrayLike<number>, options: SpectralThermoOptions = {}): Promise<ThermoResult> {
  const op = 'spectralThermo';
  const w = options.weights;
  const engine = w ? engineOf(op, eigenvalues, w) : engineOf(op, eigenvalues);
  if (eigenvalues.dtype !== 'f32') throw new DTypeError(op, `eigenvalues ${eigenvalues} have dtype ${eigenvalues.dtype}; expected f32`);
  if (eigenvalues.rank !== 1 || eigenvalues.size < 1) throw new ShapeError(op, `eigenvalues must be a non-empty vector, got ${fmtShape(eigenvalues.shape)}`);
  if (w) {
    if (w.dtype !== 'f32') throw new DTypeError(op, `weights ${w} have dtype ${w.dtype}; expected f32`);
    if (w.rank !== 1 || w.size !== eigenvalues.size) {
      throw new ShapeError(op, `weights ${fmtShape(w.shape)} must match eigenvalues ${fmtShape(eigenvalues.shape)}`);
    }
  }
  const lmin = options.lmin ?? 0;
  if (!Number.isFinite(lmin)) throw new ValueError(op, `lmin must be finite, got ${lmin}`);
  const ntau = taus.length;
  if (ntau < 1) throw new ShapeError(op, 'taus is empty');
  const tauF = new Float32Array(ntau);
  for (let i = 0; i < ntau; i++) {
    const t = taus[i]!;
    if (!(Number.isFinite(t) && t >= 0)) throw new ValueError(op, `taus[${i}] = ${t}; taus must be finite and >= 0`);
    tauF[i] = t;
  }
  const kernel: KernelSpec = {
    name: 'spectral_thermo',
    shader: 'linalg/spectral_thermo.wgsl',
    defines: { WG: THERMO_WG, WEIGHTED: Boolean(w) },
    bindings: ['read', 'read', 'read', 'read_write'],
    uniforms: [
      { name: 'm', type: 'u32' },
      { name: 'ntau', type: 'u32' },
      { name: 'lmin', type: 'f32' },
    ],
  };
  const m = eigenvalues.size;
  const tauT = engine.tensor(tauF, [ntau], 'f32');
  const out = engine.empty([ntau, 6], 'f32', op);
  try {
    await engine.launch({
      op,
      kernel,
      uniforms: { m, ntau, lmin },
      buffers: [eigenvalues, w ?? eigenvalues, tauT, out],
      workgroups: { linear: ntau },
      cost: { flops: 2 * ntau * m * 12, bytes: 4 * (2 * m * (w ? 2 : 1) * ntau + 7 * ntau) },
    });
    const r = await out.read();
    const pick = (k: number) => Float32Array.from({ length: ntau }, (_, i) => r[6 * i + k]!);
    return { taus: tauF, Z: pick(0), mean: pick(1), variance: pick(2), S: pick(3), C: pick(4), dS: pick(5) };
  } finally {
    tauT.dispose();
    out.dispose();
  }
}

/** Uploads a host quadrature rule (e.g. SlqResult nodes/weights) and runs spectralThermo on it. */
export async function spectralThermoFromRule(
  engine: Engine,
  nodes: ArrayLike<number>,
  weights: ArrayLike<number>,
  taus: ArrayLike<number>,
  options: { lmin?: number } = {},
): Promise<ThermoResult> {
  if (nodes.length !== weights.length) {
    throw new ShapeError('spectralThermo', `nodes has ${nodes.length} entries but weights has ${weights.length}`);
  }
  const nt = engine.tensor(Float32Array.from(nodes), [nodes.length], 'f32');
  const wt = engine.tensor(Float32Array.from(weights), [weights.length], 'f32');
  try {
    return await spectralThermo(nt, taus, { ...options, weights: wt });
  } finally {
    nt.dispose();
    wt.dispose();
  }
}

