// `diffrg diffusion` end to end on a tiny configuration (Node only: it writes files): the full
// run writes the model, report.json, report.html and every SVG figure; sample/nll/thermo load a
// saved model; bad flags fail with the op's error.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffusionCommand } from '../../src/cli/diffusion.js';

const TINY = ['--steps', '20', '--batch', '64', '--hidden', '8', '--layers', '1', '--samples', '64', '--sample-steps', '10',
  '--nll-points', '32', '--ode-steps', '4', '--thermo-points', '64', '--intervals', '4', '--quiet'];

const nonEmpty = (p: string) => existsSync(p) && statSync(p).size > 0;

describe('diffrg diffusion CLI', () => {
  it('a full run writes the model, report and figures; subcommands reuse the saved model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'diffrg-diffusion-'));
    try {
      expect(await diffusionCommand([...TINY, '--out', dir])).toBe(0);
      for (const f of ['model.json', 'model.bin', 'loss.json', 'samples.json', 'thermo.json', 'nll.json', 'report.json', 'report.html']) expect(nonEmpty(join(dir, f)), f).toBe(true);
      for (const f of ['loss', 'samples', 'nll', 'rates']) {
        const svg = readFileSync(join(dir, `${f}.svg`), 'utf8');
        expect(svg, f).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        expect(svg.length, f).toBeGreaterThan(1000);
      }
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect((html.match(/<svg/g) ?? []).length).toBe(4);
      const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      expect(rep.train.lossCurve.length).toBeGreaterThan(0);
      expect(Number.isFinite(rep.nll.nats)).toBe(true);
      expect(rep.nll.exactNll).not.toBeNull(); // 8 Gaussians: analytic density
      expect(rep.scoreError.length).toBe(5);
      expect(rep.thermo.t.length).toBe(5);
      const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      expect(statSync(join(dir, 'model.bin')).size).toBe(4 * model.paramCount);

      const sub = join(dir, 'sub');
      expect(await diffusionCommand(['nll', '--model', dir, ...TINY, '--out', sub])).toBe(0);
      const nll = JSON.parse(readFileSync(join(sub, 'nll-result.json'), 'utf8'));
      expect(nll.model.loadedFrom).toBe(join(dir, 'model.json'));
      expect(nonEmpty(join(sub, 'nll.svg'))).toBe(true);
      expect(existsSync(join(sub, 'model.json'))).toBe(false); // loaded, not retrained
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad flags', async () => {
    await expect(diffusionCommand(['--sde', 'XY'])).rejects.toThrow(/--sde must be VE or VP/);
    await expect(diffusionCommand(['--steps', '1.5'])).rejects.toThrow(/--steps expects an integer/);
    await expect(diffusionCommand(['frobnicate'])).rejects.toThrow(/unknown subcommand 'frobnicate'/);
    const dir = mkdtempSync(join(tmpdir(), 'diffrg-diffusion-'));
    await expect(diffusionCommand(['sample', '--model', '/nonexistent/dir', '--quiet', '--out', dir])).rejects.toThrow(/does not exist/);
    rmSync(dir, { recursive: true, force: true });
  });
});
