import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { AppPage } from '../pages/app_page';

test('an auditor filters the trail, exports it as CSV and checks the chain', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('auditor', 'demo-auditor-2026');
  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Audit entries' }).getByRole('row');
  await expect(rows.nth(1)).toBeVisible();

  // "Show more" goes on with what is shown, even after a filter was typed but not yet asked for.
  await expect(page.getByText('100 entries shown')).toBeVisible();
  await page.getByLabel('Who').fill('user:nobody');
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect(page.getByText('200 entries shown')).toBeVisible();
  await expect(rows.nth(200).getByRole('cell').first()).toHaveText('200');

  // Who did what: the auditor's own sign-in is on the trail.
  await page.getByLabel('Who').fill('user:auditor');
  await page.getByLabel('Who').press('Enter');
  await expect(page.getByText(/\d+ entries shown/)).toBeVisible();
  const whoCells = page.getByRole('table', { name: 'Audit entries' }).locator('tbody tr td:nth-child(3)');
  await expect(whoCells.first()).toHaveText('user auditor');
  for (const who of await whoCells.allTextContents()) expect(who).toBe('user auditor');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export these as CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(csv[0]).toMatch(/^seq,at,client_time,kind,actor,/);
  expect(csv.length).toBeGreaterThan(1);
  for (const line of csv.slice(1)) expect(line).toContain('user:auditor');

  await page.getByRole('button', { name: 'Check the chain' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Intact/ })).toContainText(/Intact: [\d,]+ entries/);

  // A day that is not a date says what to correct, and nothing is asked of the server.
  await page.getByLabel('First day').fill('23.11.2026');
  await page.getByRole('button', { name: 'Show entries' }).click();
  await expect(page.getByRole('alert')).toContainText('The first day should be a date like 2026-11-23.');
});

test('the audit trail is not among an operator\'s screens', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  await expect(page.getByRole('link', { name: 'Unit lookup' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Audit trail' })).toHaveCount(0);
});
