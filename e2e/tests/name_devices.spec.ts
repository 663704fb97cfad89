import { expect, test, type Page } from '@playwright/test';
import { twoTabletsOnOneUnit } from '../pages/two_tablets';
import { AttentionPage } from '../pages/unit_page';

/** The question a device asks on its first sign-in, answered. */
async function nameDevice(page: Page, name: string) {
  const form = page.getByRole('form', { name: 'Name this device' });
  await form.getByLabel('Device name').fill(name);
  await form.getByRole('button', { name: 'Save name' }).click();
  await expect(form).toHaveCount(0);
}

test('a tablet named on its first sign-in is named so in the other tablet\'s inbox and in the history', async ({
  browser,
}) => {
  const { operator, supervisor, unit } = await twoTabletsOnOneUnit(browser, 'picked', 2);
  await nameDevice(operator.page, 'Line 1 tablet');
  await nameDevice(supervisor.page, 'Office tablet');
  await operator.page.reload();
  await expect(operator.page.getByText('All changes synced')).toBeVisible();
  await expect(operator.page.getByRole('form', { name: 'Name this device' })).toHaveCount(0);

  await supervisor.context.setOffline(true);
  await operator.app.openLookup();
  await operator.app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  await operator.unit.act('Ship', { Carrier: 'UPS' });
  await operator.unit.expectWaiting('All changes synced');
  await supervisor.unit.act('Quarantine', { Reason: 'Seal looks tampered' });
  await supervisor.context.setOffline(false);
  await expect(supervisor.unit.attentionLink).toHaveText('Needs attention (1)', { timeout: 20_000 });
  await expect(supervisor.app.history().first()).toContainText('Line 1 tablet');

  const attention = new AttentionPage(supervisor.page);
  await attention.open();
  await expect(attention.items.first()).toContainText('on Line 1 tablet');
  await expect(attention.items.first()).not.toContainText(/device [0-9a-f]{8}-/);
  await attention.items.first().getByRole('button', { name: 'Discard' }).click();
  await expect(attention.items).toHaveCount(0);
});
