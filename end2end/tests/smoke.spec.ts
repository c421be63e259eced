import { test, expect } from './fixtures';

test('the home page is rendered on the server', async ({ request }) => {
  const response = await request.get('/');
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain('<h1>qlik-mashup</h1>');
  // The marker is set by the browser only: the server renders it as false.
  expect(html).toContain('data-hydrated="false"');
});

test('the home page hydrates in the browser', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('qlik-mashup');
  await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
});

test('an unknown path answers 404 with a page', async ({ request }) => {
  const response = await request.get('/no/such/page');
  expect(response.status()).toBe(404);
  expect(await response.text()).toContain('Page not found');
});
