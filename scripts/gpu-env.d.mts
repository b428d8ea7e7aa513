export function gpuEnv(): Record<string, string>;
