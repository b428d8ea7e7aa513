// The browser bundle (dist/diffrg.js) must hold no Node-only code.
import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../scripts/build.mjs';

describe('browser bundle', () => {
  it('builds from src/index.ts with no Node built-ins and no Node-only layers', async () => {
    const result = await buildBundle({ write: false });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.startsWith('runtime/'))).toBe(true);
    expect(inputs.filter((p) => /^src\/(node|cli|report)\//.test(p) || p.startsWith('node:'))).toEqual([]);
    const code = result.outputFiles![0]!.text;
    expect(code).not.toMatch(/from\s*["']node:|require\(["'](fs|path|child_process|node:)/);
  });
});
