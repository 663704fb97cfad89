import { expect, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';
import { PoolActionsPage } from '../pages/pool_actions_page';

const product = '09520123456801';

test('generating serials shows its progress in words; the counts follow and stay on the device offline', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const pool = await PoolActionsPage.signIn(page, 'supervisor', 'demo-supervisor-2026');
  await new AppPage(page).waitForOfflineShell();
  const before = await pool.counts(product);

  const form = await pool.openAction(product, 'Generate serials');
  await form.getByLabel('How many serials').fill('150,000');
  await form.getByRole('button', { name: 'Generate' }).click();

  const progress = form.getByRole('progressbar', { name: 'Generating serials' });
  await expect(progress).toBeVisible();
  await expect(form.getByRole('button', { name: 'Generate' })).toBeDisabled();
  await expect(progress).toHaveAttribute('aria-valuetext', /Generating serials: [\d,]+ of 150,000 done…/);

  await expect(form.getByRole('status')).toHaveText('Generated 150,000 serials.', { timeout: 100_000 });
  await expect(form.getByRole('button', { name: 'Generate' })).toBeEnabled();
  await pool.countsText(product, before.available + 150_000, before.assigned);

  // The counts were kept on the device: with the network cut, a reloaded app shows them.
  await context.setOffline(true);
  await page.reload();
  await pool.open(product);
  await pool.countsText(product, before.available + 150_000, before.assigned);
  await pool.action('Generate serials').click();
  await expect(page.getByText('These actions need the network: connect, then try again.')).toBeVisible();
  await expect(pool.form('Generate serials').getByRole('button', { name: 'Generate' })).toBeDisabled();
  await context.setOffline(false);
});

test('a count outside 1 to 500,000 is refused on the device', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page);
  const form = await pool.openAction(product, 'Generate serials');
  await form.getByLabel('How many serials').fill('500001');
  await form.getByRole('button', { name: 'Generate' }).click();
  await expect(form.getByRole('alert')).toHaveText('Enter a whole number from 1 to 500,000.');
});

test('an operator sees the pool but no pool actions', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page, 'operator', 'demo-operator-2026');
  await pool.open(product);
  await expect(pool.action('Generate serials')).toHaveCount(0);
  await expect(pool.action('Assign serials')).toHaveCount(0);
});
