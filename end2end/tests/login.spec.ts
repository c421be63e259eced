import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

async function login(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a wrong password shows the generic error and stays on the login page', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('#app[data-hydrated="true"]')).toBeAttached();
  await login(page, 'alice', 'not-her-password');
  await expect(page.getByRole('alert')).toHaveText('Invalid username or password');
  await expect(page).toHaveURL(/\/login/);
  // An unknown user gets exactly the same answer.
  await login(page, 'nobody-at-all', 'whatever');
  await expect(page.getByRole('alert')).toHaveText('Invalid username or password');
});

test('the right password opens the start page; logout ends it for good', async ({ page, context }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('#app[data-hydrated="true"]')).toBeAttached();
  await login(page, 'alice', 'alice-password');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.viewer')).toHaveText('Alice Andersen');
  // The dashboard has loaded (its live channel is open) before logging out.
  await expect(page.locator('main.dashboard[data-live="open"]')).toBeAttached();

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'mashup_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  const response = await page.request.get('/', { maxRedirects: 0 });
  expect(response.status()).toBe(303);
});

test('after login the visitor goes back to the page asked for', async ({ page }) => {
  await page.goto('/?from=bookmark');
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.locator('#app[data-hydrated="true"]')).toBeAttached();
  await login(page, 'bob', 'bob-password');
  await expect(page).toHaveURL(/\/\?from=bookmark$/);
});

test('the login form works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await login(page, 'carol', 'carol-password');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.viewer')).toHaveText('Carol Chen');
  await context.close();
});

test('repeated failures for one account are throttled with 429 and Retry-After', async ({ request }) => {
  const attempt = () =>
    request.post('/api/login', {
      form: { username: 'throttle-target', password: 'wrong' },
      headers: { Accept: 'application/json', 'Sec-Fetch-Site': 'same-origin' },
    });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await attempt()).status());
  const last = await attempt();
  expect(last.status()).toBe(429);
  expect(Number(last.headers()['retry-after'])).toBeGreaterThan(0);
  expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
});

test('in demo mode the login page lists the demo users and their passwords', async ({ page }) => {
  await page.goto('/login');
  const demo = page.locator('.demo-users');
  await expect(demo).toContainText('Demo mode');
  await expect(demo).toContainText('alice');
  await expect(demo).toContainText('alice-password');
});
