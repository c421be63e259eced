// The dashboard as a user sees it: logging in, waiting for the live page,
// list boxes, chips, KPIs, charts and tables, by role and name.
import { expect } from './fixtures';
import type { Page } from '@playwright/test';

/** The KPI expressions of the default dashboard, in order. */
export const KPI_EXPRESSIONS = ['Sum(Sales)', 'Count(DISTINCT OrderID)', 'Sum(Sales) - Sum(Cost)'];

export async function hydrated(page: Page) {
  await expect(page.locator('#app[data-hydrated="true"]')).toBeAttached();
}

export async function submitLogin(page: Page, user: string, password: string) {
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Logs in on the login page and waits for the live dashboard. */
export async function login(page: Page, user: string) {
  await page.goto('/login');
  await hydrated(page);
  await submitLogin(page, user, `${user}-password`);
  await expect(page).toHaveURL(/\/$/);
  await dashboardReady(page);
}

/** Waits for a hydrated dashboard with its live channel open. */
export async function dashboardReady(page: Page) {
  await hydrated(page);
  await expect(page.locator('main.dashboard[data-live="open"]')).toBeAttached();
}

export function listBox(page: Page, field: string) {
  return page.getByRole('listbox', { name: field, exact: true });
}

export function option(page: Page, field: string, value: string) {
  return listBox(page, field).getByRole('option', { name: value, exact: true });
}

export async function select(page: Page, field: string, value: string) {
  await option(page, field, value).click();
  await expect(option(page, field, value)).toHaveAttribute('aria-selected', 'true');
}

export function chip(page: Page, field: string) {
  return page.locator(`.chip[data-field="${field}"] .chip-values`);
}

export async function kpiTexts(page: Page): Promise<string[]> {
  return page.locator('.kpi .kpi-value').allTextContents();
}

export async function chartSummary(page: Page, title: string): Promise<string[]> {
  const chart = page.locator('section.chart', { has: page.getByRole('heading', { name: title }) });
  return chart.locator('.qc-mark title').allTextContents();
}

export async function tableRange(page: Page): Promise<string> {
  return (await page.locator('.table-card .table-range').textContent()) ?? '';
}


/** Clears the user's selections, if any (users keep theirs across tests: the
 * other journeys expect their users to start without any). */
export async function clearAll(page: Page) {
  const button = page.getByRole('button', { name: 'Clear all' });
  if (await button.isEnabled()) {
    await button.click();
    await expect(page.locator('.chip')).toHaveCount(0);
  }
}
