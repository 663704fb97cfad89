import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { AttentionPage, UnitPage } from '../pages/unit_page';

// Shipping and quarantining a picked unit are incompatible: the transition table has no move from Shipped to
// Quarantine, nor from Quarantine to Shipped. Whichever reaches the server second is refused.
test('two tablets change the same unit offline: one change is accepted, the other needs attention, both agree', async ({
  browser,
}) => {
  const operatorContext = await browser.newContext();
  const supervisorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  const supervisor = await supervisorContext.newPage();
  const operatorApp = new AppPage(operator);
  const supervisorApp = new AppPage(supervisor);
  await operatorApp.signIn('operator', 'demo-operator-2026');
  await supervisorApp.signIn('supervisor', 'demo-supervisor-2026');
  const unit = await demoUnit(operator.request, 'picked', 1);
  const code = `(01)${unit.gtin}(21)${unit.serial}`;
  const operatorUnit = new UnitPage(operator);
  const supervisorUnit = new UnitPage(supervisor);
  for (const [app, unitPage] of [[operatorApp, operatorUnit], [supervisorApp, supervisorUnit]] as const) {
    await app.openLookup();
    await app.lookUp(code);
    await unitPage.expectStatus('Picked');
  }

  await operatorContext.setOffline(true);
  await supervisorContext.setOffline(true);
  await operatorUnit.act('Ship', { 'Carrier': 'UPS' });
  await supervisorUnit.act('Quarantine', { 'Reason': 'Seal looks tampered' });
  await operatorUnit.expectStatus('Shipped');
  await supervisorUnit.expectStatus('Quarantine');

  await operatorContext.setOffline(false);
  await operatorUnit.expectWaiting('All changes synced');
  await supervisorContext.setOffline(false);
  await expect(supervisorUnit.attentionLink).toHaveText('Needs attention (1)', { timeout: 20_000 });

  await operatorUnit.expectStatus('Shipped');
  await supervisorUnit.expectStatus('Shipped');

  const attention = new AttentionPage(supervisor);
  await attention.open();
  await expect(attention.items).toHaveCount(1);
  await expect(attention.items.first()).toContainText('Quarantined');
  await expect(attention.items.first()).toContainText('Seal looks tampered');
  await expect(attention.items.first()).toContainText(/Why it was refused/);
  await supervisor.screenshot({ path: 'test-results/needs-attention-1280.png' });
  await attention.items.first().getByRole('button', { name: 'Keep as note' }).click();
  await expect(attention.items).toHaveCount(0);
  await expect(supervisorUnit.attentionLink).toHaveText('Needs attention (0)');

  await operatorContext.close();
  await supervisorContext.close();
});
