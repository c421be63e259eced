// Small screens and the page shell: no sideways scrolling on phones, the
// themed login page and focus ring, a refused download told on the page.
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { dashboardReady, hydrated, login, select } from './dashboard';

/** Fails when the page is wider than the window (it would scroll sideways). */
async function noSidewaysScroll(page: Page, what: string) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${what}: ${scroll} px of content in ${client} px`).toBeLessThanOrEqual(client);
}

/** The top bar holds its items on one line. */
async function topBarOnOneLine(page: Page) {
  const tops = await page
    .locator('header.topbar > *')
    .evaluateAll((items) => items.map((item) => Math.round(item.getBoundingClientRect().top)));
  const heights = await page.locator('header.topbar').evaluate((bar) => bar.getBoundingClientRect().height);
  expect(heights).toBeLessThan(64);
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(16);
}

for (const [width, height] of [
  [390, 844],
  [320, 640],
]) {
  test(`21. nothing scrolls sideways at ${width}×${height}; the phone top bar fits`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/login');
    await hydrated(page);
    await noSidewaysScroll(page, 'the login page');
    await login(page, 'heidi');
    await noSidewaysScroll(page, 'the home page');
    await topBarOnOneLine(page);
    await page.getByRole('button', { name: 'Bookmarks' }).click();
    await expect(page.getByLabel('Name of the current selections')).toBeVisible();
    await noSidewaysScroll(page, 'the open bookmarks panel');
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Support tickets' }).click();
    await dashboardReady(page);
    await noSidewaysScroll(page, 'the support page');
    await topBarOnOneLine(page);
  });
}

test('22. the login page and the dashboard carry the theme: name, logo, title, focus ring', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await expect(page).toHaveTitle('Acme Insights');
  const brand = page.locator('header.topbar .brand');
  await expect(brand).toHaveText('Acme Insights');
  await expect(brand.locator('img.brand-logo')).toBeVisible();
  await login(page, 'heidi');
  await expect(page).toHaveTitle('Sales overview – Acme Insights');
  // The keyboard's focus ring is the brand colour (#7a1f5c), the list box's too.
  const regions = page.getByRole('listbox', { name: 'Region', exact: true });
  await regions.focus();
  await page.keyboard.press('ArrowDown');
  await expect(regions).toHaveCSS('outline-color', 'rgb(122, 31, 92)');
  await expect(regions.locator('.list-value.active')).toHaveCSS('box-shadow', /rgb\(122, 31, 92\)/);
});

test('19. a download past the row limit is refused on the page, not as a cancelled download', async ({ page }) => {
  await login(page, 'ivan');
  const clear = page.getByRole('button', { name: 'Clear all' });
  if (await clear.isEnabled()) await clear.click();
  let downloads = 0;
  page.on('download', () => downloads++);
  // 480 customers; end2end/mashup.toml allows 200 rows per download.
  await page.getByRole('link', { name: 'Download CSV: Customers' }).click();
  await expect(page.getByRole('alert')).toContainText('a download holds at most 200');
  expect(downloads).toBe(0);
  // Under a selection within the limit, the same link downloads.
  await page.getByRole('alert').getByRole('button', { name: 'Dismiss' }).click();
  await select(page, 'Region', 'Nordics');
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV: Customers' }).click(),
  ]);
  expect(file.suggestedFilename()).toBe('Customers.csv');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear all' }).click();
});
