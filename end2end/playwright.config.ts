import { defineConfig } from '@playwright/test';

// cargo-leptos starts the server (LEPTOS_SITE_ADDR) before it runs this suite.
const baseURL = process.env.BASE_URL ?? `http://${process.env.LEPTOS_SITE_ADDR ?? '127.0.0.1:3000'}`;

// REAL_APP (a folder of unbuilt apps): only the opt-in real-app run
// (realapp.spec.ts, end2end/real-app.toml); without it, everything else.
const realApp = !!process.env.REAL_APP;

export default defineConfig({
  testDir: './tests',
  testMatch: realApp ? 'realapp.spec.ts' : '*.spec.ts',
  testIgnore: realApp ? [] : 'realapp.spec.ts',
  globalSetup: './global-setup.ts',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  outputDir: './test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
