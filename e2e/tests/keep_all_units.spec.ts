import { expect, test, type APIRequestContext } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test('keeping all units fills the device from the server, so a unit never opened shows offline', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  await app.signIn('service', 'demo-service-2026');
  await app.waitForOfflineShell();
  const unit = await demoUnit(page.request, 'delivered', 2);

  await page.getByRole('link', { name: 'What this device keeps' }).click();
  await expect(page.getByRole('radio', { name: /Units I open/ })).toBeChecked();
  await page.getByRole('radio', { name: /All units/ }).check();
  const filled = page.getByRole('main').getByRole('status');
  await expect(filled).toContainText(/Loading units|Data from/);
  await expect(filled).toHaveText(/^Data from \d{4}-\d\d-\d\d/, { timeout: 60_000 });
  await page.screenshot({ path: 'test-results/device-keeps-all-units.png' });

  await context.setOffline(true);
  await page.reload();
  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  const unitPage = new UnitPage(page);
  await unitPage.expectStatus('Delivered');
  await expect(app.history().first()).toContainText(/Delivered/);
  await context.setOffline(false);
});

test('a tenant of thousands of units fills the device page by page, and every page is there offline', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  await app.signIn('supervisor', 'demo-supervisor-2026');
  await app.waitForOfflineShell();
  // 2,600 more units make at least three snapshot pages of 1,000: a first one (the replica takes the log's
  // epoch), a middle one (units only) and a last one (the replica sets the cursor once every unit is written).
  const gtin = '09506000777009';
  await registerUnits(page.request, gtin, 'Bulk fill trial', 'BF', 'Hall 9');

  await page.getByRole('link', { name: 'What this device keeps' }).click();
  await page.getByRole('radio', { name: /All units/ }).check();
  const filled = page.getByRole('main').getByRole('status');
  await expect(filled).toHaveText(/^Data from \d{4}-\d\d-\d\d/, { timeout: 60_000 });

  await context.setOffline(true);
  await page.reload();
  await app.openLookup();
  const unitPage = new UnitPage(page);
  for (const serial of ['BF00000', 'BF01300', 'BF02599']) {
    await app.lookUp(`(01)${gtin}(21)${serial}`);
    await expect(app.unitHeading()).toContainText(serial);
    await unitPage.expectStatus('Available');
    await expect(page.getByText('Hall 9').first()).toBeVisible();
  }
  await context.setOffline(false);
});

test('a fill of all units cut by the network goes on from where it stopped once the server is back', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  await app.signIn('supervisor', 'demo-supervisor-2026');
  const gtin = '09506000777016';
  await registerUnits(page.request, gtin, 'Cut fill trial', 'CF', 'Hall 7');

  // The network goes down right after the first snapshot page: every later page fails to download.
  const laterPages = (url: URL) => url.pathname === '/api/v1/snapshot' && url.searchParams.has('after');
  await context.route(laterPages, (route) => route.abort('internetdisconnected'));
  await page.getByRole('link', { name: 'What this device keeps' }).click();
  await page.getByRole('radio', { name: /All units/ }).check();
  // The settings' own status line (a notice above it says why the download failed).
  const filled = page.getByRole('region', { name: 'What this device keeps' }).getByRole('status');
  await expect(filled).toHaveText(/^Filling stopped after 1000 units; it goes on by itself/, { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/device-fill-stopped.png' });

  // Back online: the next sync pass goes on from the second page, not from the start.
  const firstPagesAgain: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/v1/snapshot' && !url.searchParams.has('after')) firstPagesAgain.push(request.url());
  });
  await context.unroute(laterPages);
  await context.setOffline(true);
  await context.setOffline(false);
  await expect(filled).toHaveText(/^Data from \d{4}-\d\d-\d\d/, { timeout: 60_000 });
  expect(firstPagesAgain).toEqual([]);

  await context.setOffline(true);
  await app.openLookup();
  const unitPage = new UnitPage(page);
  for (const serial of ['CF00000', 'CF01300', 'CF02599']) {
    await app.lookUp(`(01)${gtin}(21)${serial}`);
    await expect(app.unitHeading()).toContainText(serial);
    await unitPage.expectStatus('Available');
  }
  await context.setOffline(false);
});

/** A new product with 2,600 units `{prefix}00000`…`{prefix}02599` at `location`, registered through the API. */
async function registerUnits(request: APIRequestContext, gtin: string, name: string, prefix: string, location: string) {
  const made = await request.post('/api/v1/products', { data: { code_schema: 'gtin', code: gtin, name } });
  expect(made.ok(), await made.text()).toBeTruthy();
  const product = await made.json();
  const registered = await request.post('/api/v1/units', {
    data: { product_id: product.id, lot: `${prefix}-1`, location, range: { prefix, start: 0, count: 2600, width: 5 } },
    timeout: 60_000,
  });
  expect(registered.ok(), await registered.text()).toBeTruthy();
}
