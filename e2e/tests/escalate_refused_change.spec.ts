import { expect, test } from '@playwright/test';
import { twoTabletsOnOneUnit } from '../pages/two_tablets';
import { AttentionPage } from '../pages/unit_page';

// An operator's offline change is refused; the operator escalates it from "Needs attention"; a supervisor sees
// it under "Escalated to supervisors" with what was done and why it was refused, and settles it with a note.
test('a refused change escalated by the operator reaches the supervisor, who settles it', async ({ browser }) => {
  const { operator: operatorTablet, supervisor: supervisorTablet, unit } = await twoTabletsOnOneUnit(browser, 'picked', 3);
  const [operatorContext, operator, operatorUnit] = [operatorTablet.context, operatorTablet.page, operatorTablet.unit];
  const [supervisorContext, supervisor, supervisorUnit] = [supervisorTablet.context, supervisorTablet.page, supervisorTablet.unit];

  await operatorContext.setOffline(true);
  await operatorUnit.act('Ship', { 'Carrier': 'DHL' });
  await supervisorUnit.act('Quarantine', { 'Reason': 'Carton wet' });
  // The supervisor's change has reached the server before the operator's tablet comes back.
  await expect
    .poll(async () => {
      const found = await supervisor.request.get(`/api/v1/units?gtin=${unit.gtin}&serial=${unit.serial}`);
      return (await found.json()).status;
    }, { timeout: 20_000 })
    .toBe('quarantine');
  await operatorContext.setOffline(false);
  await expect(operatorUnit.attentionLink).toHaveText('Needs attention (1)', { timeout: 20_000 });

  const operatorInbox = new AttentionPage(operator);
  await operatorInbox.open();
  await operatorInbox.items.first().getByRole('button', { name: 'Escalate to supervisor' }).click();
  await expect(operatorInbox.items.first().getByRole('status')).toHaveText('Escalated: the supervisors have it.', {
    timeout: 20_000,
  });

  await supervisor.getByRole('link', { name: /^Needs attention \(\d+\)$/ }).click();
  const escalated = supervisor.getByRole('list', { name: 'Escalated to supervisors' }).getByRole('listitem');
  await expect(escalated).toHaveCount(1, { timeout: 20_000 });
  await expect(escalated.first()).toContainText(`Unit ${unit.gtin} / ${unit.serial}`);
  await expect(escalated.first()).toContainText('Shipped (carrier "DHL") by operator');
  await expect(escalated.first()).toContainText('cannot be shipped');
  await supervisor.screenshot({ path: 'test-results/escalated-to-supervisors-1280.png' });
  await escalated.first().getByRole('button', { name: 'Settle' }).click();
  await expect(escalated.first().getByRole('alert')).toHaveText('Say what was decided before settling.');
  await escalated.first().getByLabel('What was decided').fill('Carton replaced, ship tomorrow');
  await escalated.first().getByRole('button', { name: 'Settle' }).click();
  await expect(supervisor.getByText('No escalated changes are open.')).toBeVisible();

  await operatorContext.close();
  await supervisorContext.close();
});
