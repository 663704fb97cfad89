import { expect, test } from '@playwright/test';
import { PoolActionsPage } from '../pages/pool_actions_page';

const amoxicillin = '09520123456801';

test('assigning serials to a printing order offers its labels as CSV', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page);
  const before = await pool.counts(amoxicillin);

  const form = await pool.openAction(amoxicillin, 'Assign serials');
  await form.getByLabel('How many serials').fill('12');
  await form.getByRole('radio', { name: 'Printing order' }).check();
  await form.getByLabel('Lot').fill('L-E2E-1');
  await form.getByLabel('Expiry').fill('2028-12-31');
  await form.getByRole('button', { name: 'Assign' }).click();

  await expect(form.getByRole('status')).toHaveText('Printing order created: 12 serials assigned to it.');
  await pool.countsText(amoxicillin, before.available - 12, before.assigned + 12);
  const download = form.getByRole('link', { name: 'Download labels (CSV)' });
  const href = await download.getAttribute('href');
  expect(href).toMatch(/^\/api\/v1\/orders\/[^/]+\/labels\.csv$/);
  const labels = (await (await page.request.get(href!)).text()).trim().split(/\r?\n/);
  expect(labels[0]).toBe('gtin,serial,lot,expiry,element_string,digital_link');
  expect(labels).toHaveLength(13);
});

test('a printing order without lot or expiry is refused on the device, field by field', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page);
  const form = await pool.openAction(amoxicillin, 'Assign serials');
  await form.getByLabel('How many serials').fill('12');
  await form.getByRole('button', { name: 'Assign' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('Lot: a lot cannot be empty.');
  await expect(alert).toContainText('Expiry: choose a date.');
});

test('releasing serials that cannot be released lists each with its reason and releases none', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page);
  const before = await pool.counts(amoxicillin);
  const form = await pool.openAction(amoxicillin, 'Release serials');
  await form.getByLabel('Serials to release, one per line').fill('NOT-IN-POOL-1\nNOT-IN-POOL-2\nBAD SERIAL');
  await form.getByRole('button', { name: 'Release' }).click();
  // Checked on the device first: the malformed line is named and nothing is sent.
  await expect(form.getByRole('list', { name: 'Problems in the list' }).getByRole('listitem')).toHaveText([
    /Line 3: “BAD SERIAL”/,
  ]);

  await form.getByLabel('Serials to release, one per line').fill('NOT-IN-POOL-1\nNOT-IN-POOL-2');
  await form.getByRole('button', { name: 'Release' }).click();
  const refused = form.getByRole('list', { name: 'Serials not released' }).getByRole('listitem');
  await expect(refused).toHaveText([
    '“NOT-IN-POOL-1”: not in this product\'s pool',
    '“NOT-IN-POOL-2”: not in this product\'s pool',
  ]);
  await pool.countsText(amoxicillin, before.available, before.assigned);
});
