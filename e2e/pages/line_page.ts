import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/** The packaging line screen: orders, this tablet's block, commissioning, the last units — by role and label. */
export class LinePage {
  readonly progress: Locator;
  readonly next: Locator;
  readonly scan: Locator;
  readonly reserveCount: Locator;
  readonly reserve: Locator;
  readonly returnUnused: Locator;
  readonly lastUnits: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.progress = page.getByRole('status', { name: 'Progress' });
    this.next = page.getByRole('button', { name: 'Commission next unit' });
    this.scan = page.getByLabel('Scan printed code');
    this.reserveCount = page.getByLabel('Serials to reserve');
    this.reserve = page.getByRole('button', { name: 'Reserve serials for this tablet' });
    this.returnUnused = page.getByRole('button', { name: 'Return unused serials' });
    this.lastUnits = page.getByRole('list', { name: 'Last units' }).getByRole('listitem');
    this.alert = page.getByRole('alert');
  }

  async open() {
    await this.page.getByRole('link', { name: 'Packaging line' }).click();
    await expect(this.page.getByRole('heading', { name: 'Packaging line' })).toBeVisible();
  }

  async openOrder(lot: string) {
    await this.page.getByRole('button', { name: new RegExp(`lot ${lot}`) }).click();
    await expect(this.progress).toBeVisible();
  }

  async reserveSerials(count: number) {
    await this.reserveCount.fill(String(count));
    await this.reserve.click();
    await expect(this.page.getByRole('status').filter({ hasText: `${count} serials reserved` })).toBeVisible();
  }

  /** Sends a code as a keyboard-wedge scanner does, ending with Enter. */
  async scanCode(code: string) {
    await this.scan.fill(code);
    await this.scan.press('Enter');
  }

  unit(serial: string): Locator {
    return this.lastUnits.filter({ hasText: serial });
  }

  /** Opens a last unit's line actions and records one, with the reason chosen from the list. */
  async act(serial: string, action: string, reason?: string, otherReason?: string) {
    await this.page.getByRole('button', { name: `Actions for ${serial}`, exact: true }).click();
    await this.page.getByRole('button', { name: action, exact: true }).click();
    const form = this.page.getByRole('form', { name: `${action} form` });
    if (reason) await form.getByLabel('Reason', { exact: true }).selectOption({ label: reason });
    if (otherReason) await form.getByLabel(/Other reason/).fill(otherReason);
    await form.getByRole('button', { name: 'Confirm', exact: true }).click();
  }
}

/** A packaging order of the demo's Amoxicillin, created by the demo admin through the API. */
export async function createPackagingOrder(
  admin: APIRequestContext,
  lot: string,
  quantity: number,
): Promise<{ id: string; gtin: string }> {
  await admin.post('/api/v1/sessions', { data: { username: 'admin', password: 'demo-admin-2026' } });
  const products = (await (await admin.get('/api/v1/products?limit=1000')).json()).products;
  const product = products.find((p: { code: string }) => p.code === '09520123456801');
  const response = await admin.post('/api/v1/orders', {
    data: { kind: 'packaging', product_id: product.id, lot, expiry: '2028-06-30', line: 'Line 3', quantity },
  });
  expect(response.status(), await response.text()).toBe(201);
  return { id: (await response.json()).id, gtin: product.code };
}

/** The order's serials held by device blocks, by device id (GET /orders/{id}/serials). */
export async function reservedByDevice(admin: APIRequestContext, orderId: string): Promise<Map<string, string[]>> {
  const body = await (await admin.get(`/api/v1/orders/${orderId}/serials?limit=10000`)).json();
  const byDevice = new Map<string, string[]>();
  for (const row of body.serials) {
    if (!row.device_id) continue;
    byDevice.set(row.device_id, [...(byDevice.get(row.device_id) ?? []), row.serial]);
  }
  return byDevice;
}
