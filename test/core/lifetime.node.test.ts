// A Node process that creates an engine, runs a kernel and disposes must exit on its own.
// (Earlier Dawn releases were reported to keep a core busy or the process alive until
// device.destroy(); engine.dispose() destroys the device it created.)
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('process lifetime', () => {
  it('exits by itself within seconds after engine.dispose()', async () => {
    const child = fileURLToPath(new URL('../fixtures/lifetime-child.ts', import.meta.url));
    const t0 = Date.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', child], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      proc.kill('SIGKILL');
    }, 30_000);
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    clearTimeout(timer);
    const seconds = (Date.now() - t0) / 1000;
    expect(killed, 'child still alive after 30 s').toBe(false);
    expect(code).toBe(0);
    expect(JSON.parse(out.trim().split('\n').pop()!).got).toEqual([2, 4, 6]);
    // Includes Node + tsx start-up and device creation on a software adapter.
    expect(seconds).toBeLessThan(15);
  });
});
