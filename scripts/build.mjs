// Builds the browser bundle of the engine: one ES module, dist/diffrg.js, from src/index.ts.
// The runtime has no Node imports; Dawn's `webgpu` is only reached by a dynamic import with a
// computed specifier, which esbuild leaves alone (browsers use navigator.gpu instead).
import { build } from 'esbuild';
import { generateShaders } from './gen-shaders.mjs';

export async function buildBundle({ outfile = 'dist/diffrg.js', write = true } = {}) {
  generateShaders();
  return build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile,
    write,
    sourcemap: write,
    logLevel: write ? 'info' : 'silent',
    metafile: true,
  });
}

/** The Node CLI: dist/cli.js, dependencies left as imports. */
export async function buildCli() {
  generateShaders();
  return build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: 'dist/cli.js',
    packages: 'external',
    logLevel: 'info',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildBundle();
  await buildCli();
}
