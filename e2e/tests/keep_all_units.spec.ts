import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test('keeping all units fills the device from the server, so a unit never opened shows offline', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  await app.signIn('service', 'demo-service-2026');
  await app.waitForOfflineShell();
  const unit = await demoUnit(page.request, 'delivered', 2);

  await page.getByRole('link', { name: 'What this device keeps' }).click();
  await expect(page.getByRole('radio', { name: /Units I open/ })).toBeChecked();
  await page.getByRole('radio', { name: /All units/ }).check();
  const filled = page.getByRole('main').getByRole('status');
  await expect(filled).toContainText(/Loading units|Data from/);
  await expect(filled).toHaveText(/^Data from \d{4}-\d\d-\d\d/, { timeout: 60_000 });
  await page.screenshot({ path: 'test-results/device-keeps-all-units.png' });

  await context.setOffline(true);
  await page.reload();
  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  const unitPage = new UnitPage(page);
  await unitPage.expectStatus('Delivered');
  await expect(app.history().first()).toContainText(/Delivered/);
  await context.setOffline(false);
});
