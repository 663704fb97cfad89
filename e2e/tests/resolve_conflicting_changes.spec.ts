import { expect, test } from '@playwright/test';
import { twoTabletsOnOneUnit } from '../pages/two_tablets';
import { AttentionPage } from '../pages/unit_page';

// Shipping and quarantining a picked unit are incompatible: the transition table has no move from Shipped to
// Quarantine, nor from Quarantine to Shipped. Whichever reaches the server second is refused.
test('two tablets change the same unit offline: one change is accepted, the other needs attention, both agree', async ({
  browser,
}) => {
  const { operator: operatorTablet, supervisor: supervisorTablet, unit } = await twoTabletsOnOneUnit(browser, 'picked', 1);
  const [operatorContext, operator, operatorUnit] = [operatorTablet.context, operatorTablet.page, operatorTablet.unit];
  const [supervisorContext, supervisor, supervisorUnit] = [supervisorTablet.context, supervisorTablet.page, supervisorTablet.unit];

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
  // Signing out would clear the device and lose the refused change before anyone settled it.
  await supervisor.getByRole('button', { name: 'Sign out' }).click();
  await expect(supervisor.getByText('1 refused change still needs attention')).toBeVisible();
  await attention.items.first().getByRole('button', { name: 'Keep as note' }).click();
  await expect(attention.items).toHaveCount(0);
  await expect(supervisorUnit.attentionLink).toHaveText('Needs attention (0)');

  await operatorContext.close();
  await supervisorContext.close();
});
