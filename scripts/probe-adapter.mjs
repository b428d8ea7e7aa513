// Prints the adapter Dawn finds ("vendor / architecture / description") and exits 0, or exits 1.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]); // keep a strong reference while the adapter is used (WEBGPU.md)
const adapter = await gpu.requestAdapter();
if (!adapter) process.exit(1);
const info = adapter.info;
console.log(`${info.vendor} / ${info.architecture} / ${info.description}`);
process.exit(0);
