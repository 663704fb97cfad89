import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/** The signed-in app: header, screens, the pool and the unit lookup, found by role and label. */
export class AppPage {
  readonly status: Locator;
  readonly search: Locator;
  readonly resetFilters: Locator;
  readonly productCount: Locator;
  readonly scanBox: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status').filter({ hasText: /Online|Offline/ });
    this.search = page.getByLabel('Search products');
    this.resetFilters = page.getByRole('button', { name: 'Reset filters' });
    this.productCount = page.getByText(/\d+ of \d+ products/);
    this.scanBox = page.getByLabel('Scan or enter a code');
  }

  async signIn(username = 'admin', password = 'demo-admin-2026') {
    await this.page.goto('/');
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByRole('heading', { name: 'Serial number pool' })).toBeVisible();
    await expect(this.page.getByText('Data from')).toBeVisible();
  }

  async openLookup() {
    await this.page.getByRole('link', { name: 'Unit lookup' }).click();
    await expect(this.scanBox).toBeVisible();
  }

  productRows(): Locator {
    return this.page.getByRole('button', { name: /^Expand / });
  }

  expandButton(code: string): Locator {
    return this.page.getByRole('button', { name: `Expand ${code}`, exact: true });
  }

  /** Types a code as a keyboard-wedge scanner does, ending with Enter. */
  async lookUp(code: string) {
    await this.scanBox.fill(code);
    await this.scanBox.press('Enter');
  }

  unitHeading(): Locator {
    return this.page.getByRole('heading', { name: /^Unit \d/ });
  }

  history(): Locator {
    return this.page.getByRole('list', { name: 'History', exact: true }).getByRole('listitem');
  }

  /** Waits until the service worker controls the page, so the app shell is cached for offline use. */
  async waitForOfflineShell() {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await this.page.reload();
    await expect(this.page.getByRole('heading', { name: 'Serial number pool' })).toBeVisible();
  }
}

/**
 * A unit of the demo tenant in a given status, found through the API the app's session already holds;
 * `skip` passes over that many matches, so journeys that change units do not pick the same one.
 */
export async function demoUnit(
  request: APIRequestContext,
  status: string,
  skip = 0,
): Promise<{ gtin: string; serial: string }> {
  const events = await (await request.get('/api/v1/events?limit=500')).json();
  const seen = new Set<string>();
  let matches = 0;
  for (const event of events.events) {
    if (seen.has(event.unit_id)) continue;
    seen.add(event.unit_id);
    const unit = await (await request.get(`/api/v1/units/${event.unit_id}`)).json();
    if (unit.status !== status) continue;
    const product = await (await request.get(`/api/v1/products/${unit.product_id}`)).json();
    if (!product.gtin) continue;
    if (matches++ < skip) continue;
    return { gtin: product.gtin, serial: unit.serial };
  }
  throw new Error(`the demo has no unit that is ${status}`);
}
