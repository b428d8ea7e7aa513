// Public API: the engine (runtime/) and the operations (src/ops/). The browser bundle is built
// from this same file.
export { Engine, createEngine } from '../runtime/engine.js';
export type { AdapterDescription, EngineFeatures, EngineOptions, Launch } from '../runtime/engine.js';
export { Tensor, numel } from '../runtime/tensor.js';
export type { Shape } from '../runtime/tensor.js';
export type { DType } from '../runtime/dtype.js';
export type { PoolStats } from '../runtime/pool.js';
export type { Profile, KernelProfile, Cost } from '../runtime/scheduler.js';
export type { KernelSpec, UniformField } from '../runtime/kernel.js';
export {
  DiffrgError, ShapeError, DTypeError, ValueError, LimitError, DisposedError, CompileError,
  DeviceLostError, GPUReportedError, NoAdapterError,
} from '../runtime/errors.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export { eigh, EIGH_AUTO_TRIDIAGONAL_N } from './ops/eigh.js';
export type { EighOptions, EighResult, EighMethod } from './ops/eigh.js';
export * from './ops/einsum.js';
export { permute, transpose, MAX_PERMUTE_RANK } from './ops/permute.js';
export { fill, zeros, ones, iota, arange, reshape } from './ops/creation.js';
export type { IotaOptions } from './ops/creation.js';
export { cast } from './ops/cast.js';
export { randomBits, randomUniform, randomNormal } from './ops/random.js';
export type { RandomOptions, UniformOptions, NormalOptions } from './ops/random.js';
export * from './ops/sparse.js';
export { slq, slqAt, slqBlockSize, blockLanczos, SLQ_BASIS_PER_INPUT, SLQ_BASIS_FLOOR_BYTES } from './ops/lanczos.js';
export type { SlqOptions, SlqResult, BlockLanczosRun, LanczosBasis } from './ops/lanczos.js';
export * from './ops/expmv.js';
export * from './ops/spectral.js';
export * from './graph/index.js';
export * from './ops/nn.js';
export * from './ops/nn-optim.js';
export * from './tn/tt.js';
export { svdTruncated } from './tn/svd.js';
export type { SvdResult, SvdOptions } from './tn/svd.js';
export { expm, expmPlan, taylorProgram, runTaylorProgram, EXPM_DEGREES, EXPM_THETA_F32 } from './ops/expm.js';
export type { ExpmOptions, TaylorDegree, TaylorStep } from './ops/expm.js';
export * from './diffusion/index.js';
export { runRg, eqlrgProjection } from './rg/pipeline.js';
export type { RgOptions, RgResult, SweepResult, Scales, CoarseStep, FlowStep, Communities } from './rg/pipeline.js';
export { thermoAt, findPeaks, findPlateaus, localMaxima, logGrid } from './rg/scales.js';
export type { SpectralMeasure, Peak, Plateau } from './rg/scales.js';
export { computeSpectrum, denseSpectrum, DENSE_LIMIT } from './rg/spectrum.js';
export type { Spectrum, SpectrumMethod } from './rg/spectrum.js';
export { coarseGrain, heatKernel, projectorErrorBound } from './rg/coarse-grain.js';
