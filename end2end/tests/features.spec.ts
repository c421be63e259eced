import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { userSessions } from './sim';
import { chartSummary, chip, clearAll, dashboardReady, hydrated, kpiTexts, login, select, tableRange } from './dashboard';

/** axe-core finds no WCAG 2.1 A/AA violation on what the page shows now. */
async function accessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe-core on ${what}`).toEqual([]);
}

/** Logs in and starts from no selections. */
async function freshLogin(page: Page, user: string) {
  await login(page, user);
  await clearAll(page);
}

test('10. axe-core finds no WCAG 2.1 A/AA violation on the login page, every page and the bookmarks panel', async ({
  page,
}) => {
  await page.goto('/login');
  await hydrated(page);
  await accessible(page, 'the login page');
  await freshLogin(page, 'alice');
  await accessible(page, 'the home page');
  await page.getByRole('button', { name: 'Bookmarks' }).click();
  await expect(page.getByLabel('Name of the current selections')).toBeVisible();
  await accessible(page, 'the bookmarks panel');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Support tickets' }).click();
  await expect(page).toHaveURL(/\/support$/);
  await dashboardReady(page);
  await accessible(page, 'the support page');
});

test('11. a click on a bar selects its value, Enter on a focused bar too; every tab follows', async ({
  page,
  context,
}) => {
  await freshLogin(page, 'dave');
  const second = await context.newPage();
  await second.goto('/');
  await dashboardReady(second);
  const before = await kpiTexts(page);
  await page
    .locator('section.chart', { has: page.getByRole('heading', { name: 'Sales by category' }) })
    .getByRole('button', { name: /^Bikes:/ })
    .click();
  await expect(chip(page, 'Category')).toHaveText('Bikes');
  await expect(chip(second, 'Category')).toHaveText('Bikes');
  await expect.poll(() => chartSummary(page, 'Sales by category')).toHaveLength(1);
  await expect.poll(() => kpiTexts(page)).not.toEqual(before);
  await expect.poll(() => kpiTexts(second)).toEqual(await kpiTexts(page));
  // The keyboard: focus a point of the line chart, Enter selects its month.
  const point = page.locator('section[data-visualization="linechart"] .qc-mark').first();
  const month = ((await point.getAttribute('aria-label')) ?? '').split(':')[0];
  await point.focus();
  await page.keyboard.press('Enter');
  await expect(chip(page, 'Month')).toHaveText(month);
  await expect(chip(second, 'Month')).toHaveText(month);
  expect(await userSessions('dave')).toHaveLength(1);
  await clearAll(page);
});

test('12. bookmarks: save, apply, delete after a confirmation; the panel closes on Escape and a click outside', async ({
  page,
}) => {
  await freshLogin(page, 'erin');
  await select(page, 'Region', 'EMEA');
  const toggle = page.getByRole('button', { name: 'Bookmarks' });
  const name = page.getByLabel('Name of the current selections');
  await toggle.click();
  await name.fill('EMEA only');
  await page.getByRole('button', { name: 'Save bookmark' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved “EMEA only”.' })).toBeVisible();
  await expect(page.locator('.bookmark-title')).toContainText(['EMEA only']);
  // Escape closes the panel and gives the focus back to its button.
  await name.focus();
  await page.keyboard.press('Escape');
  await expect(name).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  // So does a click outside it.
  await toggle.click();
  await expect(name).toBeVisible();
  await page.getByRole('heading', { level: 1 }).click();
  await expect(name).toBeHidden();
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page.locator('.chip')).toHaveCount(0);
  await toggle.click();
  await page.getByRole('button', { name: 'Apply EMEA only' }).click();
  await expect(chip(page, 'Region')).toHaveText('EMEA');
  // Delete asks first: Cancel keeps the bookmark, OK deletes it.
  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Delete EMEA only' }).click();
  expect(question).toContain('“EMEA only”');
  await expect(page.locator('.bookmark-title')).toContainText(['EMEA only']);
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete EMEA only' }).click();
  await expect(page.locator('.bookmark-title')).toHaveCount(0);
  await expect(page.getByText('No bookmarks yet.')).toBeVisible();
  await clearAll(page);
});

test('13. a table downloads as CSV and Excel with every row under the selections', async ({ page }) => {
  await freshLogin(page, 'frank');
  await select(page, 'Region', 'Nordics');
  await expect.poll(() => tableRange(page)).toMatch(/ of \d+$/);
  const total = Number((await tableRange(page)).split(' of ')[1]);
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV: Customers' }).click(),
  ]);
  // Chromium names the file after the title (RFC 5987's filename*).
  expect(csv.suggestedFilename()).toBe('Customers.csv');
  const text = readFileSync(await csv.path(), 'utf8');
  expect(text.startsWith('\ufeffCustomer,Region,Sales,Orders\n')).toBe(true);
  const rows = text.trim().split('\n').slice(1);
  expect(rows).toHaveLength(total);
  expect(rows.every((row) => row.includes(',Nordics,'))).toBe(true);
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download Excel: Customers' }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toBe('Customers.xlsx');
  expect(readFileSync(await xlsx.path()).subarray(0, 2).toString()).toBe('PK');
  await clearAll(page);
});

test('14. pages: the navigation opens the support app in the same Qlik session, with its own selections', async ({
  page,
  request,
}) => {
  await freshLogin(page, 'judy');
  await select(page, 'Region', 'APAC');
  const pages = page.getByRole('navigation', { name: 'Pages' });
  await expect(pages.getByRole('link', { name: 'Sales overview' })).toHaveAttribute('aria-current', 'page');
  await pages.getByRole('link', { name: 'Support tickets' }).click();
  await expect(page).toHaveURL(/\/support$/);
  await dashboardReady(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Support tickets');
  await expect(page.locator('.chip')).toHaveCount(0);
  const tickets = await kpiTexts(page);
  await select(page, 'Team', 'Billing');
  await expect.poll(() => kpiTexts(page)).not.toEqual(tickets);
  await page.reload();
  await dashboardReady(page);
  await expect(chip(page, 'Team')).toHaveText('Billing');
  await pages.getByRole('link', { name: 'Sales overview' }).click();
  await dashboardReady(page);
  await expect(chip(page, 'Region')).toHaveText('APAC');
  await expect(chip(page, 'Team')).toHaveCount(0);
  expect(await userSessions('judy')).toHaveLength(1);
  await clearAll(page);
  // The site's own files are not taken for pages.
  expect((await request.get('/favicon.svg')).status()).toBe(200);
  expect((await request.get('/robots.txt')).status()).toBe(200);
});

test('15. the theme: the company name, logo and brand colour, without rebuilding', async ({ page }) => {
  await freshLogin(page, 'mallory');
  await expect(page).toHaveTitle('Sales overview – Acme Insights');
  const brand = page.locator('header.topbar .brand');
  await expect(brand).toHaveText('Acme Insights');
  const logo = brand.locator('img.brand-logo');
  await expect(logo).toBeVisible();
  expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.locator('header.topbar')).toHaveCSS('background-color', 'rgb(122, 31, 92)');
  // Qlik's selection colours stay.
  await select(page, 'Region', 'EMEA');
  await expect(
    page.getByRole('listbox', { name: 'Region', exact: true }).getByRole('option', { name: 'EMEA', exact: true }),
  ).toHaveCSS('background-color', 'rgb(0, 135, 61)');
  await clearAll(page);
});
