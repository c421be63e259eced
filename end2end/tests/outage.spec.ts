// Qlik away (issue 28): a reload shows the user's last view, marked with its
// time and selections, with the controls that need Qlik disabled; when Qlik
// answers again the tab turns live by itself, selections kept.
import { test, expect } from './fixtures';
import { pauseQlik } from './sim';
import { chip, clearAll, dashboardReady, kpiTexts, listBox, login } from './dashboard';

test.describe.configure({ timeout: 90_000 });

test('35. Qlik away: the last view, marked, controls off; Qlik back: live by itself', async ({ page }) => {
  await login(page, 'heidi');
  // From no selections (another journey may have left heidi's).
  await clearAll(page);
  const first = listBox(page, 'Region').getByRole('option').first();
  const region = (await first.locator('.value-text').textContent())!.trim();
  await first.click();
  await expect(chip(page, 'Region')).toHaveText(region);
  // The page as loaded with the selection is the view kept.
  await page.reload();
  await dashboardReady(page);
  const live = await kpiTexts(page);

  await pauseQlik(15_000);
  await page.reload();
  const banner = page.locator('.notice-stale');
  await expect(banner).toContainText('Qlik Sense is not reachable. Showing the data as of ');
  await expect(banner).toContainText(`with your selections then: Region = ${region}`);
  expect(await kpiTexts(page)).toEqual(live);
  await expect(listBox(page, 'Region').getByRole('option').first()).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Clear all' })).toBeDisabled();
  // A click on a value says why nothing happens (no failed request).
  await listBox(page, 'Region').getByRole('option').nth(1).click({ force: true });
  await expect(page.getByRole('alert')).toContainText('Not available while Qlik Sense is not reachable.');

  // Qlik back: no reload by the user.
  await expect(banner).toHaveCount(0, { timeout: 45_000 });
  await expect(chip(page, 'Region')).toHaveText(region);
  expect(await kpiTexts(page)).toEqual(live);
  await expect(listBox(page, 'Region').getByRole('option').first()).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page.locator('.chip')).toHaveCount(0);
});
