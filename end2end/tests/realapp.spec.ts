// Opt-in: a real Qlik Sense app, not written for this project — Qlik's
// "Consumer Sales" demo, unbuilt with `qlik app unbuild`, with CSV extracts of
// its tables (README, "Your own app offline"). Run with
//   REAL_APP=/path/to/apps ./scripts/end2end.sh
// where /path/to/apps/consumer-sales is the unbuilt folder; the server then
// serves that folder from its embedded qlik-sim and shows it with
// end2end/real-app.toml (every sheet as a page, and a page of master
// visualizations). Without REAL_APP this file is not run (playwright.config.ts):
// the app is third-party content and not in this repository.
//
// Checks: every sheet renders every cell (drawn natively, as a table, a pivot,
// list boxes or a card) with no console error; a bar shows the value the
// engine computes; a click on a mark of every drawn type that has marks
// selects; the master pivot table expands in one tab and the other follows,
// collapses, and downloads. Screenshots of each sheet go to the test's output
// folder (test-results/), not to the repository.
import { readFileSync } from 'node:fs';
import { test, expect, keepScreenshot } from './fixtures';
import type { Page } from '@playwright/test';
import { clearAll, dashboardReady, login } from './dashboard';
import { evaluate } from './sim';

const APP = 'consumer-sales';

test.describe.configure({ timeout: 300_000 });

/** The pages of the top bar: [name, path]. */
async function pages(page: Page): Promise<[string, string][]> {
  return page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => [a.textContent?.trim() ?? '', a.getAttribute('href') ?? '']));
}

test('R1. every sheet renders each cell; a bar shows the engine\'s value; a click on each drawn type selects', async ({
  page,
}) => {
  await login(page, 'alice');
  await clearAll(page);
  const sheets = (await pages(page)).filter(([, path]) => path !== '/masters');
  expect(sheets.length).toBeGreaterThan(5);
  const shown: Record<string, number> = {};
  const selectable = new Set<string>();
  for (const [name, path] of sheets) {
    await page.goto(path);
    await dashboardReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    const cells = page.locator('.sheet-cell');
    const count = await cells.count();
    if (count === 0) {
      // A sheet its author left empty says so.
      await expect(page.getByRole('status').filter({ hasText: 'This sheet is empty' })).toBeVisible();
      continue;
    }
    for (let i = 0; i < count; i += 1) {
      const card = cells.nth(i).locator('section.card').first();
      await expect(card, `${name}: cell ${i} shows something`).toBeVisible();
      const kind = (await card.getAttribute('class')) ?? '';
      const figure = cells.nth(i).locator('figure[class*="qc-"]').first();
      const drawn = (await figure.count()) > 0 ? ((await figure.getAttribute('class')) ?? '') : '';
      const key = drawn.match(/qc-([a-z-]+)/)?.[1] ?? (kind.replace('card', '').trim() || 'card');
      shown[key] = (shown[key] ?? 0) + 1;
    }
    await keepScreenshot(page, `real-app-${path.replace(/\W+/g, '-') || 'home'}`);
    // A click on a mark of each drawn type not yet tried selects: the last
    // marks first, as they are drawn over any they overlap (points of equal
    // values in a scatter plot).
    const marks = page.locator('figure[class*="qc-"] .qc-mark[role="button"]');
    for (let i = (await marks.count()) - 1; i >= 0; i -= 1) {
      const mark = marks.nth(i);
      const type = ((await mark.locator('xpath=ancestor::figure[1]').getAttribute('class')) ?? '').match(/qc-([a-z-]+)/)?.[1] ?? '';
      if (!type || selectable.has(type) || !(await mark.isVisible())) continue;
      await mark.click({ timeout: 15_000 });
      await expect(page.locator('.chip').first(), `a click on a ${type} mark selects`).toBeVisible();
      selectable.add(type);
      await clearAll(page);
    }
  }
  console.log(`cells shown: ${JSON.stringify(shown)}; selected by a click: ${[...selectable].join(', ')}`);
  expect(selectable.size).toBeGreaterThan(1);

  // The Budget Analysis bar chart: Sum([Sales Amount]) by [Line Desc 1], as the engine computes it.
  await page.goto('/');
  await dashboardReady(page);
  const bar = page.locator('[data-object="VtfsZDc"] .qc-mark[role="button"]').first();
  const [product, value] = ((await bar.getAttribute('aria-label')) ?? '').split(': ');
  expect(product).not.toBe('');
  const [engine] = await evaluate(['Sum([Sales Amount])'], [{ field: 'Line Desc 1', values: [product] }], APP);
  expect(value).toBe(engine);
});

test('R2. the master pivot table expands in one tab, the other follows; it collapses and downloads', async ({
  page,
  context,
}) => {
  await login(page, 'bob');
  await clearAll(page);
  await page.goto('/masters');
  await dashboardReady(page);
  const second = await context.newPage();
  await second.goto('/masters');
  await dashboardReady(second);
  const pivot = (p: Page) => p.locator('[data-object] .pivot-table').first();
  await expect(pivot(page)).toBeVisible();
  const toggle = pivot(page).locator('button.pivot-toggle[aria-expanded="false"]').first();
  const name = ((await toggle.getAttribute('aria-label')) ?? '').replace(/^Expand /, '');
  expect(name).not.toBe('');
  await toggle.click();
  await expect(pivot(page).getByRole('button', { name: `Collapse ${name}`, exact: true })).toBeVisible();
  await expect(pivot(second).getByRole('button', { name: `Collapse ${name}`, exact: true })).toBeVisible();
  await keepScreenshot(page, 'real-app-master-pivot');
  const card = page.locator('section.pivot-card').first();
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    card.getByRole('link', { name: /^Download CSV/ }).click(),
  ]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines.length).toBeGreaterThan(2);
  await pivot(page).getByRole('button', { name: `Collapse ${name}`, exact: true }).click();
  await expect(pivot(second).getByRole('button', { name: `Expand ${name}`, exact: true })).toBeVisible();
});
