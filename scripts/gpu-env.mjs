// Environment Dawn needs on a GPU-less machine (WEBGPU.md): a writable XDG_RUNTIME_DIR, and
// the software Vulkan driver chosen explicitly: lavapipe when installed, else Chromium's
// SwiftShader (what scripts/setup falls back to). Where a vendor driver is installed (NVIDIA)
// nothing is forced unless DIFFRG_SOFTWARE_GPU=1.
import { existsSync, mkdirSync } from 'node:fs';

const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.json';
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function gpuEnv() {
  const env = {};
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = '/tmp/diffrg-xdg';
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  const hasVendor = ['/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json'].some(existsSync);
  if (!process.env.VK_ICD_FILENAMES && (!hasVendor || process.env.DIFFRG_SOFTWARE_GPU === '1')) {
    if (existsSync(LAVAPIPE)) env.VK_ICD_FILENAMES = LAVAPIPE;
    else if (existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  }
  return env;
}
