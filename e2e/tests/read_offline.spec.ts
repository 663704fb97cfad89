import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';

test('with the network cut, a reloaded app still shows the pool and a unit it looked up before', async ({ page, context }) => {
  const app = new AppPage(page);
  await app.signIn();
  await app.waitForOfflineShell();
  const unit = await demoUnit(page.request, 'shipped');
  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  await expect(app.unitHeading()).toContainText(unit.serial);

  await context.setOffline(true);
  await page.reload();
  await expect(app.status).toContainText('Offline');
  await page.getByRole('link', { name: 'Serial number pool' }).click();
  await expect(page.getByRole('heading', { name: 'Serial number pool' })).toBeVisible();
  await expect(app.expandButton('CM-500')).toBeVisible();
  await app.search.fill('cm-5');
  await expect(app.productRows()).toHaveCount(1);

  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  await expect(app.unitHeading()).toContainText(unit.serial);
  await expect(page.getByText("Shown from this device's data")).toBeVisible();
  await expect(app.history().first()).toContainText(/Shipped/i);
  await context.setOffline(false);
});
