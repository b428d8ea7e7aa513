// The kernel contract and the registry that turns WGSL + template defines into cached pipelines.
//
// A kernel is data: which .wgsl file, which defines, which storage bindings, which uniforms.
// Binding convention for every kernel: @group(0) @binding(0) is a uniform struct `Params`
// (bound with a dynamic offset into the scheduler's uniform ring); storage buffers follow at
// bindings 1..n in the order of `bindings`.
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { SHADER_SOURCES } from './shaders.generated.js';
import { CompileError } from './errors.js';
import { ShaderStage } from './usage.js';

export type Define = string | number | boolean;
export type BindingAccess = 'read' | 'read_write';

/** A uniform field: a 4-byte scalar, or an array of u32/i32/f32 packed as array<vec4<T>, ceil(n/4)>. */
export interface UniformField {
  name: string;
  type: 'u32' | 'i32' | 'f32';
  /** Array length; omitted for scalars. Arrays start on a 16-byte boundary. */
  length?: number;
}

export interface KernelSpec {
  /** Name used in profiles and errors, e.g. 'matmul'. */
  name: string;
  /** Path under shaders/, e.g. 'core/binary.wgsl'; or any unique name when `source` is given. */
  shader: string;
  /** WGSL text for kernels that do not live in shaders/ (user-supplied kernels). */
  source?: string;
  /** Values substituted for ${NAME} in the source; booleans drive #if ${NAME}. */
  defines?: Record<string, Define>;
  bindings: readonly BindingAccess[];
  uniforms: readonly UniformField[];
}

export interface CompiledKernel {
  spec: KernelSpec;
  key: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Byte size of the packed uniform struct (0 when it has no fields). */
  uniformSize: number;
  /** Offsets of each uniform field in bytes. */
  uniformOffsets: Map<string, number>;
  source: string;
}

export function kernelKey(spec: KernelSpec): string {
  const defs = Object.entries(spec.defines ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  // Inline sources are keyed by their text too, so two different sources never share a pipeline.
  return `${spec.shader}|${spec.name}|${defs}${spec.source !== undefined ? `|${hashString(spec.source)}` : ''}`;
}

function hashString(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return `${s.length}:${(h >>> 0).toString(16)}`;
}

/**
 * Replaces `#include "lib/x.wgsl"` lines with that file from shaders/ (once per file; nested
 * includes allowed). WGSL has no modules: this is how kernels share functions (shaders/lib/
 * holds functions only, never an entry point) without copying them.
 */
function resolveIncludes(name: string, source: string, seen = new Set<string>()): string {
  return source.replace(/^[ \t]*#include\s+"([^"]+)"[ \t]*$/gm, (_m, path: string) => {
    if (seen.has(path)) return '';
    seen.add(path);
    const inc = SHADER_SOURCES[path];
    if (inc === undefined) throw new CompileError(name, `#include "${path}": no such file under shaders/`);
    return resolveIncludes(name, inc, seen);
  });
}

/** Resolves #include, fills ${NAME} placeholders and #if/#elif/#else/#endif (wgsl-preprocessor). */
export function preprocess(spec: KernelSpec): string {
  const file = spec.source ?? SHADER_SOURCES[spec.shader];
  if (file === undefined) throw new CompileError(spec.name, `no shader file shaders/${spec.shader}`);
  const raw = resolveIncludes(spec.name, file);
  const defines = spec.defines ?? {};
  const strings: string[] = [];
  const values: Define[] = [];
  let last = 0;
  for (const m of raw.matchAll(/\$\{(\w+)\}/g)) {
    const name = m[1]!;
    if (!(name in defines)) {
      throw new CompileError(spec.name, `shaders/${spec.shader} uses \${${name}} but no such define was given`);
    }
    strings.push(raw.slice(last, m.index));
    values.push(defines[name]!);
    last = m.index! + m[0].length;
  }
  strings.push(raw.slice(last));
  const tsa = Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray;
  return wgsl(tsa, ...values);
}

export function layoutUniforms(fields: readonly UniformField[]): { size: number; offsets: Map<string, number> } {
  const offsets = new Map<string, number>();
  let off = 0;
  for (const f of fields) {
    if (f.length !== undefined) {
      off = Math.ceil(off / 16) * 16;
      offsets.set(f.name, off);
      off += Math.ceil(f.length / 4) * 16;
    } else {
      offsets.set(f.name, off);
      off += 4;
    }
  }
  // WGSL struct size rounds to the struct's alignment (16 when it holds an array).
  const align = fields.some((f) => f.length !== undefined) ? 16 : 4;
  return { size: Math.max(16, Math.ceil(off / align) * align), offsets };
}

export class KernelRegistry {
  private readonly cache = new Map<string, CompiledKernel>();
  private readonly pending = new Map<string, Promise<CompiledKernel>>();
  compiles = 0;

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.cache.size;
  }

  private build(spec: KernelSpec, key: string) {
    let source: string;
    try {
      source = preprocess(spec);
    } catch (e) {
      if (e instanceof CompileError) throw e;
      throw new CompileError(spec.name, `preprocessing shaders/${spec.shader}: ${(e as Error).message}`);
    }
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: ShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ...spec.bindings.map((access, i) => ({
        binding: i + 1,
        visibility: ShaderStage.COMPUTE,
        buffer: { type: access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
      })),
    ];
    const layout = this.device.createBindGroupLayout({ label: key, entries });
    const module = this.device.createShaderModule({ label: `${spec.name} (${spec.shader})`, code: source });
    const pipelineDesc: GPUComputePipelineDescriptor = {
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    };
    const { size, offsets } = layoutUniforms(spec.uniforms);
    return { source, layout, module, pipelineDesc, uniformSize: size, uniformOffsets: offsets };
  }

  private async compileError(spec: KernelSpec, module: GPUShaderModule, source: string, err: GPUError): Promise<CompileError> {
    const info = await module.getCompilationInfo();
    const lines = source.split('\n');
    const msgs = info.messages
      .filter((m) => m.type === 'error')
      .map((m) => `shaders/${spec.shader}:${m.lineNum}:${m.linePos} (line of the preprocessed source): ${m.message}\n    ${lines[m.lineNum - 1]?.trim() ?? ''}`);
    return new CompileError(spec.name, msgs.length ? msgs.join('\n') : err.message);
  }

  /** Compiles (once per key) and returns the pipeline; WGSL errors become CompileError. */
  async get(spec: KernelSpec): Promise<CompiledKernel> {
    const key = kernelKey(spec);
    const hit = this.cache.get(key);
    if (hit) return hit;
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const b = this.build(spec, key);
        this.device.pushErrorScope('validation');
        let pipeline: GPUComputePipeline | undefined;
        let asyncError: unknown;
        try {
          pipeline = await this.device.createComputePipelineAsync(b.pipelineDesc);
        } catch (e) {
          asyncError = e;
        }
        const scoped = await this.device.popErrorScope();
        if (scoped || asyncError || !pipeline) {
          const err = scoped ?? ({ message: String((asyncError as Error)?.message ?? asyncError) } as GPUError);
          throw await this.compileError(spec, b.module, b.source, err);
        }
        this.compiles++;
        const compiled: CompiledKernel = {
          spec, key, pipeline, layout: b.layout, uniformSize: b.uniformSize, uniformOffsets: b.uniformOffsets, source: b.source,
        };
        this.cache.set(key, compiled);
        return compiled;
      })();
      this.pending.set(key, p);
      p.finally(() => this.pending.delete(key)).catch(() => {});
    }
    return p;
  }

  /** Returns the compiled kernel if it is already cached (no await). */
  peek(spec: KernelSpec): CompiledKernel | undefined {
    return this.cache.get(kernelKey(spec));
  }
}
