import { expect, test, type Page } from '@playwright/test';
import { AppPage } from '../pages/app_page';

async function openPartners(page: Page) {
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Partners' }).click();
}

// The demo's second contract manufacturer, Nordic Contract Packing, is nobody's partner until this journey.
test('a brand owner invites a contract manufacturer, whose admin accepts; the partnership and its limit follow', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const cmoPage = await (await browser.newContext()).newPage();
  await new AppPage(cmoPage).signIn('nordic-admin', 'demo-nordic-2026');
  await openPartners(cmoPage);
  const hint = cmoPage.getByText('Your organisation id, for a brand owner to invite you:');
  await expect(hint).toBeVisible();
  const organisation = (await hint.locator('code').textContent())?.trim() ?? '';
  expect(organisation).toMatch(/^[0-9a-f-]{36}$/);

  const ownerPage = await (await browser.newContext()).newPage();
  await new AppPage(ownerPage).signIn();
  await openPartners(ownerPage);
  const invite = ownerPage.getByRole('form', { name: 'Invite a partner' });
  await invite.getByLabel('Their organisation id (their admin reads it on their partners tab)').fill(organisation);
  await invite.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(ownerPage.getByRole('status').filter({ hasText: 'invited' }))
    .toHaveText('Nordic Contract Packing is invited: their admin accepts on their partners tab.');
  await expect(ownerPage.getByText('You invited Nordic Contract Packing')).toContainText('waiting for an answer');

  await cmoPage.reload();
  const received = cmoPage.getByRole('listitem').filter({ hasText: 'Demo Pharma invited you' });
  await expect(received).toContainText('waiting for an answer');
  await received.getByRole('button', { name: 'Accept' }).click();
  await expect(cmoPage.getByRole('status').filter({ hasText: 'partnership' })).toHaveText('The partnership is made.');
  await expect(cmoPage.getByRole('row').filter({ hasText: 'Demo Pharma' }).first()).toContainText('Brand owner (MAH)');

  await ownerPage.reload();
  await expect(ownerPage.getByText('You invited Nordic Contract Packing')).toContainText('accepted');
  const row = ownerPage.getByRole('row').filter({ hasText: 'Nordic Contract Packing' });
  await expect(row).toContainText('Contract manufacturer (CMO)');
  await ownerPage.getByLabel('Serials per assignment for Nordic Contract Packing').fill('5,000');
  await row.getByRole('button', { name: 'Set' }).click();
  await expect(ownerPage.getByRole('status').filter({ hasText: 'assignment' }))
    .toHaveText('One assignment may now give Nordic Contract Packing up to 5,000 serials.');
});
