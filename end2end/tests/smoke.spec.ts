import { test, expect } from './fixtures';

test('a logged-out visitor is sent to the login page, rendered on the server', async ({ request }) => {
  const response = await request.get('/', { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toBe('/login');
  const login = await request.get('/login');
  expect(login.status()).toBe(200);
  const html = await login.text();
  expect(html).toContain('<h1 id="login-title">Sign in</h1>');
  // The marker is set by the browser only: the server renders it as false.
  expect(html).toContain('data-hydrated="false"');
});

test('the login page hydrates in the browser', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('h1')).toHaveText('Sign in');
  await expect(page.locator('#app[data-hydrated="true"]')).toBeAttached();
});

test('an unknown path answers 404 with a page once logged in, and redirects before', async ({ request }) => {
  const response = await request.get('/no/such/page', { maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toBe('/login?next=%2Fno%2Fsuch%2Fpage');
});
