// `diffrg info`: what the engine sees of the adapter.
import { createEngine } from '../../runtime/engine.js';

export async function infoCommand(): Promise<number> {
  const engine = await createEngine();
  try {
    const { adapter, features, limits } = engine;
    console.log(JSON.stringify({ adapter, features, limits }, null, 2));
    return 0;
  } finally {
    await engine.dispose();
  }
}
