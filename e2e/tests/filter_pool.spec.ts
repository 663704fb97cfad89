import { expect, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';

test('the pool filters by code or part of the name as you type, and resets', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  const all = await app.productRows().count();
  expect(all).toBeGreaterThan(1);

  await app.search.fill('cm-5');
  await expect(app.productRows()).toHaveCount(1);
  await expect(app.expandButton('CM-500')).toBeVisible();

  await app.search.fill('paracetamol');
  await expect(app.productRows()).toHaveCount(1);

  await app.search.fill('no such product');
  await expect(app.productRows()).toHaveCount(0);

  await app.resetFilters.click();
  await expect(app.search).toHaveValue('');
  await expect(app.productRows()).toHaveCount(all);
});

test('expanding a product shows its details and the donut of available versus assigned', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  const expand = app.expandButton('CM-500');
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expand.click();
  await expect(expand).toHaveAttribute('aria-expanded', 'true');

  const chart = page.getByRole('img', { name: /Pool status of CM-500/ });
  await expect(chart).toBeVisible();
  const label = await chart.getAttribute('aria-label');
  const [, available, assigned] = label!.match(/Available: (\d+) serials\. Assigned: (\d+) serials\./)!;
  expect(Number(available) + Number(assigned)).toBeGreaterThan(0);
  await expect(page.getByText(`Available: ${available}`, { exact: true })).toBeVisible();
  await expect(page.getByText(`Assigned: ${assigned}`, { exact: true })).toBeVisible();

  await chart.focus();
  await expect(page.getByText(`Available ${available} · Assigned ${assigned}`)).toBeVisible();

  await expand.click();
  await expect(chart).toHaveCount(0);
});
