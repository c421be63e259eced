import { test as base, expect } from '@playwright/test';

/**
 * The shared fixture: every test fails on an uncaught page error or a console
 * error (hydration panics surface there).
 */
export const test = base.extend<{ failOnPageErrors: void }>({
  failOnPageErrors: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      await use();
      expect(problems, 'no page or console errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
