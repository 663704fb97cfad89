import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';

test('a unit looked up by a scanner string shows its status and history, newest first', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  const unit = await demoUnit(page.request, 'delivered');
  await app.openLookup();
  await app.lookUp(`]d201${unit.gtin}21${unit.serial}`);

  await expect(app.unitHeading()).toContainText(unit.serial);
  await expect(page.getByRole('status').filter({ hasText: 'Delivered' })).toBeVisible();
  const history = app.history();
  await expect(history.first()).toContainText(/Delivered/i);
  expect(await history.count()).toBeGreaterThan(1);
});

test('a code that names no unit says what is missing', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await app.openLookup();
  await app.lookUp('(01)09506000134352(10)LOT1');
  await expect(page.getByRole('alert')).toContainText('(21)');
});
