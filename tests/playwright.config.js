// Playwright configuration: Debian's Chromium (never `playwright install`), the built dist/ served
// by serve-dist.mjs on loopback, artifacts under tests/artifacts/ (gitignored).
import { defineConfig } from '@playwright/test';

const port = Number(process.env.ORDINAL_TEST_PORT ?? 8181);

export default defineConfig({
  testDir: './e2e',
  outputDir: './artifacts/test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // The release build has a strict Content-Security-Policy; axe-core is injected as an inline
    // script, so tests bypass the policy. safety.spec.js turns the bypass off and checks it holds.
    bypassCSP: true,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node serve-dist.mjs ../dist ${port}`,
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: false,
    timeout: 15_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
