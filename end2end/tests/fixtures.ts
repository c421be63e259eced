import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page, Response } from '@playwright/test';
import { simAddresses } from './sim';

/** Strings that must never reach the browser: Qlik's ticket parameter and session cookie, the simulator's addresses. */
function forbiddenStrings(): string[] {
  let addresses: string[] = [];
  try {
    addresses = simAddresses();
  } catch {
    // Run without scripts/end2end.sh: only the Qlik names are checked.
  }
  return ['qlikTicket', 'X-Qlik-Session', ...addresses];
}

/**
 * The shared fixture, over every page of every context a test watches (the
 * default one always):
 * - fails on an uncaught page error or a console error (hydration panics surface there);
 * - fails when a response header, body or cookie seen by the browser holds a
 *   Qlik ticket, a Qlik session cookie or the simulator's address.
 */
export const test = base.extend<{ watch: (context: BrowserContext) => void }>({
  watch: [
    async ({ context }, use) => {
      const problems: string[] = [];
      const reads: Promise<void>[] = [];
      const forbidden = forbiddenStrings();
      const watchedContexts: BrowserContext[] = [];
      const check = (where: string, text: string) => {
        for (const needle of forbidden) {
          if (text.toLowerCase().includes(needle.toLowerCase())) problems.push(`${where} contains ${needle}`);
        }
      };
      const onResponse = (response: Response) => {
        reads.push(
          (async () => {
            const headers = await response.allHeaders().catch(() => ({}));
            check(`headers of ${response.url()}`, JSON.stringify(headers));
            const type = (headers as Record<string, string>)['content-type'] ?? '';
            // An event stream never ends; redirects have no body to read.
            if (type.includes('event-stream') || (response.status() >= 300 && response.status() < 400)) return;
            const body = await response.text().catch(() => '');
            check(`body of ${response.url()}`, body);
          })(),
        );
      };
      const onPage = (page: Page) => {
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
        });
      };
      const watch = (watched: BrowserContext) => {
        watchedContexts.push(watched);
        watched.on('response', onResponse);
        watched.pages().forEach(onPage);
        watched.on('page', onPage);
      };
      watch(context);
      await use(watch);
      await Promise.allSettled(reads);
      for (const watched of watchedContexts) {
        const cookies = await watched.cookies().catch(() => []);
        for (const cookie of cookies) check(`cookie ${cookie.name}`, `${cookie.name}=${cookie.value}`);
      }
      expect(problems, 'no page errors, console errors or Qlik details in the browser').toEqual([]);
    },
    { auto: true },
  ],
});

/** Keeps a full-page screenshot as an artifact of the running test. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

export { expect };
