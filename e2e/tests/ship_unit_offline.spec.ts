import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test('a unit shipped and noted offline keeps its changes through a reload, and they are confirmed online', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  await app.waitForOfflineShell();
  const unit = await demoUnit(page.request, 'picked');
  const code = `(01)${unit.gtin}(21)${unit.serial}`;
  await app.openLookup();
  await app.lookUp(code);
  await unitPage.expectStatus('Picked');

  await context.setOffline(true);
  await unitPage.act('Ship', { 'Carrier': 'DHL', 'Tracking number': 'JD0001' });
  await unitPage.expectStatus('Shipped');
  await expect(unitPage.change('Shipped')).toContainText('Queued');
  await unitPage.act('Add note', { 'Note': 'Carton re-taped before shipping' });
  await expect(unitPage.change('Note added')).toContainText('Queued');
  await unitPage.expectWaiting('2 changes waiting');

  await page.reload();
  await expect(app.status).toContainText('Offline');
  await app.lookUp(code);
  await unitPage.expectStatus('Shipped');
  await expect(unitPage.change('Shipped')).toContainText('Queued');
  await unitPage.expectWaiting('2 changes waiting');

  await context.setOffline(false);
  await unitPage.expectWaiting('All changes synced');
  await unitPage.expectStatus('Shipped');
  await expect(app.history().first()).toContainText('Carton re-taped before shipping');
  await expect(unitPage.attentionLink).toHaveText('Needs attention (0)');
});
