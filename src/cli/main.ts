#!/usr/bin/env node
// diffrg command line: `diffrg rg` (the Laplacian renormalization pipeline and its report),
// `diffrg info` (the adapter). Run `diffrg <command> --help` for the flags.
import { gpuEnv } from '../../scripts/gpu-env.mjs';

// Dawn reads the Vulkan loader's environment when first loaded: set it before any import of the engine.
Object.assign(process.env, gpuEnv());

const commands: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  rg: { summary: 'Laplacian renormalization of a graph: entropy/specific-heat sweep, scales, supernodes, RG flow, communities; writes a report', run: async (a) => (await import('./rg.js')).rgCommand(a) },
  diffusion: { summary: 'score-based diffusion: train a score network, sample, NLL by the probability-flow ODE, entropy-production bound and rates; writes a report', run: async (a) => (await import('./diffusion.js')).diffusionCommand(a) },
  info: { summary: 'print the WebGPU adapter, its features and limits', run: async () => (await import('./info.js')).infoCommand() },
};

function usage(): string {
  return [
    'usage: diffrg <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([k, c]) => `  ${k.padEnd(10)} ${c.summary}`),
    '',
    'With no command, `diffrg rg` runs on the built-in default network.',
  ].join('\n');
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
  console.log(usage());
  process.exit(0);
}
const name = cmd === undefined || cmd.startsWith('-') ? 'rg' : cmd;
const args = cmd === undefined || cmd.startsWith('-') ? process.argv.slice(2) : rest;
const command = commands[name];
if (!command) {
  console.error(`diffrg: unknown command '${name}'\n\n${usage()}`);
  process.exit(2);
}
try {
  process.exitCode = await command.run(args);
} catch (e) {
  const err = e as Error;
  console.error(`diffrg ${name}: ${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`);
  if (process.env.DIFFRG_DEBUG) console.error(err.stack);
  process.exitCode = 1;
}
