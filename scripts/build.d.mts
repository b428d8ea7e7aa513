import type { BuildResult } from 'esbuild';
export function buildBundle(opts?: { outfile?: string; write?: boolean }): Promise<BuildResult<{ metafile: true; write: boolean }>>;
