import { expect, request, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';
import { createPackagingOrder, LinePage, reservedByDevice } from '../pages/line_page';
import { UnitPage } from '../pages/unit_page';

test('a line tablet commissions offline from its own block, keeps it through a reload, and a second tablet gets other serials', async ({
  page,
  context,
  browser,
  baseURL,
}) => {
  const admin = await request.newContext({ baseURL });
  const lot = `E2E${Date.now() % 100000000}`;
  const order = await createPackagingOrder(admin, lot, 50);

  const app = new AppPage(page);
  const line = new LinePage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  await app.waitForOfflineShell();
  await line.open();
  await line.openOrder(lot);
  await line.reserveSerials(20);
  await expect(line.progress).toHaveText('Commissioned 0 of 50 · 20 left in this tablet\'s block');
  const first = [...(await reservedByDevice(admin, order.id)).values()][0];
  expect(first).toHaveLength(20);

  await context.setOffline(true);
  await expect(app.status).toContainText('Offline');
  for (let n = 0; n < 3; n++) await line.next.click();
  await expect(line.progress).toHaveText('Commissioned 3 of 50 · 17 left in this tablet\'s block');
  const scanned = first[first.length - 1];
  await line.scanCode(`]d201${order.gtin}21${scanned}\u001d10${lot}`);
  await expect(line.progress).toHaveText('Commissioned 4 of 50 · 16 left in this tablet\'s block');
  await expect(line.lastUnits.first()).toContainText(scanned);
  await line.scanCode(`(01)${order.gtin}(21)${scanned}`);
  await expect(line.alert).toContainText('already commissioned on this tablet');
  await line.scanCode(`(01)${order.gtin}(21)NOTMINE1`);
  await expect(line.alert).toContainText("not in this tablet's block");

  await page.reload();
  await expect(app.status).toContainText('Offline');
  await expect(line.progress).toHaveText('Commissioned 4 of 50 · 16 left in this tablet\'s block');
  await expect(line.lastUnits).toHaveCount(4);
  await unitPage.expectWaiting('4 changes waiting');

  // The serials the button took, read from the last units (newest first): the scanned one, then the three.
  const shown = await line.lastUnits.allTextContents();
  const taken = shown.map((text) => first.find((serial) => text.startsWith(serial)) ?? '');
  expect(taken[0]).toBe(scanned);
  const [damaged, stolen] = [taken[1], taken[2]];
  await line.act(damaged, 'Decommission', 'Damaged');
  await expect(line.unit(damaged)).toContainText('Decommissioned');
  await line.act(stolen, 'Decommission', 'Stolen');
  await expect(line.unit(stolen)).toContainText('Decommissioned');
  await line.act(stolen, 'Undo decommission');
  await expect(line.alert.filter({ hasText: 'can never be set back to active (FMD Art. 13)' })).toBeVisible();
  await unitPage.expectWaiting('6 changes waiting');

  await context.setOffline(false);
  await unitPage.expectWaiting('All changes synced');
  await expect(unitPage.attentionLink).toHaveText('Needs attention (0)');
  await expect(line.progress).toHaveText('Commissioned 4 of 50 · 16 left in this tablet\'s block');
  const damagedUnit = await (await admin.get(`/api/v1/units?gtin=${order.gtin}&serial=${damaged}`)).json();
  expect(damagedUnit.status).toBe('decommissioned');
  const scannedUnit = await (await admin.get(`/api/v1/units?gtin=${order.gtin}&serial=${scanned}`)).json();
  expect([scannedUnit.status, scannedUnit.lot]).toEqual(['available', lot]);

  // The pack history on the unit screen: pool status, pack status, pool history, the unit's events.
  await app.openLookup();
  await app.lookUp(`(01)${order.gtin}(21)${damaged}`);
  await unitPage.expectStatus('Decommissioned');
  await expect(page.getByRole('heading', { name: 'Pack history' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Pool history' }).getByRole('listitem').first()).toBeVisible();
  await unitPage.act('Undo decommission');
  await expect(page.getByRole('alert')).toContainText('is for supervisor, quality, admin only');

  // A second tablet, the supervisor's: it undoes the damaged pack's decommissioning (same party, within 10 days).
  const second = await browser.newContext();
  const tablet2 = await second.newPage();
  const app2 = new AppPage(tablet2);
  await app2.signIn('supervisor', 'demo-supervisor-2026');
  await app2.openLookup();
  await app2.lookUp(`(01)${order.gtin}(21)${damaged}`);
  const unit2 = new UnitPage(tablet2);
  await unit2.expectStatus('Decommissioned');
  await unit2.act('Undo decommission');
  await unit2.expectStatus('Available');
  await unit2.expectWaiting('All changes synced');

  // Reserving from the same order, it gets other serials than the first tablet.
  const line2 = new LinePage(tablet2);
  await line2.open();
  await line2.openOrder(lot);
  await line2.reserveSerials(20);
  await line2.next.click();
  await expect(line2.progress).toHaveText(/Commissioned \d+ of 50 · 19 left in this tablet's block/);
  const blocks = await reservedByDevice(admin, order.id);
  expect(blocks.size).toBe(2);
  const [mine, theirs] = [...blocks.values()];
  expect(mine.filter((serial) => theirs.includes(serial))).toEqual([]);
  const tablet2Serial = (await line2.lastUnits.first().textContent()) ?? '';
  expect(first.some((serial) => tablet2Serial.includes(serial))).toBe(false);
  await line2.returnUnused.click();
  await expect(tablet2.getByRole('status').filter({ hasText: '19 unused serials returned' })).toBeVisible();
  await expect(line2.progress).toHaveText(/· 0 left in this tablet's block/);
  await second.close();
  await admin.dispose();
});
