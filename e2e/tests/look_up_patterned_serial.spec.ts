import { expect, request, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test("an internal-code unit is found by its patterned serial alone, online and offline, with a choice when two products have it", async ({
  page,
  context,
  baseURL,
}) => {
  const admin = await request.newContext({ baseURL });
  await admin.post('/api/v1/sessions', { data: { username: 'admin', password: 'demo-admin-2026' } });
  const scheme = { kind: 'patterned', template: 'KT100-{YYYY}-{NNNN}' };
  const serials: Record<string, string[]> = {
    'KT-100': ['KT100-2026-0007', 'KT100-2026-0009'],
    'KT-100B': ['KT100-2026-0008', 'KT100-2026-0009'],
  };
  for (const [code, registered] of Object.entries(serials)) {
    const made = await admin.post('/api/v1/products', {
      data: { code_schema: 'internal', code, name: `Kettle ${code}`, serial_scheme: scheme },
    });
    expect(made.status(), await made.text()).toBe(201);
    const units = await admin.post('/api/v1/units', { data: { product_id: (await made.json()).id, serials: registered } });
    expect(units.status(), await units.text()).toBe(201);
  }

  const app = new AppPage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  await app.waitForOfflineShell();
  await app.openLookup();

  // Typed like a scanner: the live check names the products whose pattern fits, Enter opens the one that has it.
  await app.scanBox.pressSequentially('KT100-2026-0007');
  await expect(page.getByText('Serial KT100-2026-0007 of KT-100 · Kettle KT-100 or KT-100B · Kettle KT-100B')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await app.scanBox.press('Enter');
  await expect(page.getByRole('heading', { name: 'Unit KT-100 · KT100-2026-0007' })).toBeVisible();
  await unitPage.expectStatus('Available');

  await app.lookUp('KT100-2026-0009');
  await page.getByRole('button', { name: 'KT-100B · Kettle KT-100B' }).click();
  await expect(page.getByRole('heading', { name: 'Unit KT-100B · KT100-2026-0009' })).toBeVisible();

  await app.lookUp('KT100-2026-0042');
  await expect(page.getByRole('alert')).toHaveText('No unit of KT-100 or KT-100B has serial KT100-2026-0042.');

  await context.setOffline(true);
  await expect(app.status).toContainText('Offline');
  await app.lookUp('KT100-2026-0007');
  await expect(page.getByRole('heading', { name: 'Unit KT-100 · KT100-2026-0007' })).toBeVisible();
  await unitPage.act('Add note', { Note: 'Lid checked' });
  await expect(unitPage.change('Note added')).toContainText('Queued');
  await context.setOffline(false);
  await unitPage.expectWaiting('All changes synced');
});
