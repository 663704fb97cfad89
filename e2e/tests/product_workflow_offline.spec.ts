import { expect, request, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test("a tablet offline refuses what the product's own workflow gives to supervisors, in the server's words", async ({
  page,
  context,
  baseURL,
}) => {
  const admin = await request.newContext({ baseURL });
  await admin.post('/api/v1/sessions', { data: { username: 'admin', password: 'demo-admin-2026' } });
  const gtin = '09506000777023';
  const workflow = { restricted: [{ from: 'available', to: 'allocated', roles: ['supervisor'] }] };
  const made = await admin.post('/api/v1/products', {
    data: { code_schema: 'gtin', code: gtin, name: 'Allocated by supervisors', workflow },
  });
  expect(made.status(), await made.text()).toBe(201);
  const product = await made.json();
  const registered = await admin.post('/api/v1/units', { data: { product_id: product.id, serials: ['WF1'] } });
  expect(registered.status(), await registered.text()).toBe(201);

  const app = new AppPage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  await app.waitForOfflineShell();
  await app.openLookup();
  await app.lookUp(`(01)${gtin}(21)WF1`);
  await unitPage.expectStatus('Available');

  await context.setOffline(true);
  await expect(app.status).toContainText('Offline');
  await unitPage.act('Allocate', { Order: 'SO-7' });
  const refusal = page.getByRole('alert').filter({ hasText: 'Not recorded' });
  await expect(refusal).toContainText("Available → Allocated is for supervisor only under this product's workflow");
  await unitPage.expectStatus('Available');
  await expect(unitPage.pendingChanges).toHaveCount(0);

  // The server refuses the same command in the same words.
  await context.setOffline(false);
  const unit = await (await page.request.get(`/api/v1/units?gtin=${gtin}&serial=WF1`)).json();
  const answer = await page.request.post(`/api/v1/units/${unit.id}/commands`, {
    data: { command: { type: 'allocate', order: 'SO-7' } },
  });
  expect(answer.status()).toBe(409);
  const body = await answer.json();
  expect(body.code).toBe('role_not_allowed');
  await expect(refusal).toContainText(body.message);
});
