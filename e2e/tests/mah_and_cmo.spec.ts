import { expect, test, type Browser, type Page } from '@playwright/test';
import { AppPage } from '../pages/app_page';
import { PoolActionsPage } from '../pages/pool_actions_page';

// The demo's brand owner (Demo Pharma) and its contract manufacturer (Demo CMO), which packs Ibuprofen.
const ibuprofen = '09520123456795';

async function signedIn(browser: Browser, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await new AppPage(page).signIn(username, password);
  return page;
}

test('the brand owner assigns serials to its CMO, which finds them available in its own pool and nothing else', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const mah = await signedIn(browser, 'admin', 'demo-admin-2026');
  const cmo = await signedIn(browser, 'cmo-admin', 'demo-cmo-2026');
  const mahPool = new PoolActionsPage(mah);
  const cmoPool = new PoolActionsPage(cmo);

  const cmoBefore = await cmoPool.counts(ibuprofen);
  await expect(cmo.getByText('1 of 1 products')).toBeVisible();

  const mahBefore = await mahPool.counts(ibuprofen);
  const form = await mahPool.openAction(ibuprofen, 'Assign serials');
  await form.getByLabel('How many serials').fill('25');
  await form.getByRole('radio', { name: 'Partner' }).check();
  // The brand owner picks its partner by name (the CMO's organisation, as the CMO's own session names it).
  const partner = (await (await cmo.request.get('/api/v1/me')).json()).tenant;
  await form.getByLabel('Which partner').selectOption({ label: partner.name });
  await form.getByRole('button', { name: 'Assign' }).click();
  await expect(form.getByRole('status')).toHaveText(`Assigned 25 serials to ${partner.name}.`);
  await mahPool.countsText(ibuprofen, mahBefore.available - 25, mahBefore.assigned + 25);

  // The CMO refreshes and finds the 25 serials available in its own pool.
  await cmo.getByRole('button', { name: 'Refresh', exact: true }).click();
  await cmoPool.countsText(ibuprofen, cmoBefore.available + 25, cmoBefore.assigned);
  await expect(cmo.getByRole('cell', { name: 'Partner', exact: true })).toBeVisible();
  // Its serials come from the brand owner: it can assign them, not generate, import or release.
  await expect(cmoPool.action('Assign serials')).toBeVisible();
  for (const action of ['Generate serials', 'Import serials', 'Release serials'] as const) {
    await expect(cmoPool.action(action)).toHaveCount(0);
  }

  // Nothing else of the brand owner's reaches the CMO.
  const cmoApp = new AppPage(cmo);
  for (const other of ['Paracetamol', 'Amoxicillin', 'CM-500']) {
    await cmoApp.search.fill(other);
    await expect(cmoApp.productRows()).toHaveCount(0);
  }
  await cmoApp.resetFilters.click();
  await expect(cmoApp.productRows()).toHaveCount(1);
});
