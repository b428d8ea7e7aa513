// One way to get an engine in both test projects: createEngine() finds navigator.gpu in
// Chromium and Dawn in Node.
import { afterAll, beforeAll } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';

/** Creates one engine for the file, disposes it after; checks that the file leaked no tensors. */
export function useEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await createEngine();
  });
  afterAll(async () => {
    if (!engine) return;
    const leaked = engine.liveTensors;
    await engine.dispose();
    if (leaked !== 0) throw new Error(`test file leaked ${leaked} live tensors`);
  });
  return () => {
    if (!engine) throw new Error('engine not created yet');
    return engine;
  };
}

export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';
