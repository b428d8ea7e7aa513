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
