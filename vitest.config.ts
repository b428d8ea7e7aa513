// Two projects over the same test files: `node` runs them under Dawn (npm `webgpu`), `browser`
// in headless Chromium with WebGPU on. See ../shared/WEBGPU.md for the flags.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { generateShaders } from './scripts/gen-shaders.mjs';
import { gpuEnv } from './scripts/gpu-env.mjs';

generateShaders();
Object.assign(process.env, gpuEnv());

const chromiumArgs = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const include = ['test/**/*.test.ts'];
// GPU work on a 2-core machine: one file at a time per project keeps timings sane.
const testTimeout = 120_000;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include,
          environment: 'node',
          pool: 'forks',
          testTimeout,
          hookTimeout: testTimeout,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include,
          exclude: ['test/**/*.node.test.ts'],
          testTimeout,
          hookTimeout: testTimeout,
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium' }],
            provider: playwright({
              launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
            }),
          },
        },
      },
    ],
  },
});
