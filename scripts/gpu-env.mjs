// Environment Dawn needs on a GPU-less machine (WEBGPU.md): a writable XDG_RUNTIME_DIR, and
// the lavapipe ICD chosen explicitly when it is installed alongside others. On a machine with
// a real GPU nothing is forced unless DIFFRG_SOFTWARE_GPU=1.
import { existsSync, mkdirSync } from 'node:fs';

export function gpuEnv() {
  const env = {};
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = '/tmp/diffrg-xdg';
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  const lvp = '/usr/share/vulkan/icd.d/lvp_icd.json';
  const hasNvidia = existsSync('/usr/share/vulkan/icd.d/nvidia_icd.json') || existsSync('/etc/vulkan/icd.d/nvidia_icd.json');
  if (!process.env.VK_ICD_FILENAMES && existsSync(lvp) && (!hasNvidia || process.env.DIFFRG_SOFTWARE_GPU === '1')) {
    env.VK_ICD_FILENAMES = lvp;
  }
  return env;
}
