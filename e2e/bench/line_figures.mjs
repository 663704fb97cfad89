// The line's figure in headless Chromium (scripts/bench-app): how many units a tablet commissions per second
// offline, from its reserved block — 200 by the button, then 200 by scanning — each one the strictly durable
// IndexedDB transaction the screen runs. Timed inside the page, from the first click to the progress line
// counting the last unit. Prints figures; asserts nothing.
import { launch } from './browser.mjs';

const base = process.env.BASE ?? 'http://127.0.0.1:18700';
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const api = context.request;

// A packaging order of 1,000 for the demo's Amoxicillin, created by the admin.
await api.post(`${base}/api/v1/sessions`, { data: { username: 'admin', password: 'demo-admin-2026' } });
const products = (await (await api.get(`${base}/api/v1/products?limit=1000`)).json()).products;
const product = products.find((p) => p.code === '09520123456801');
const lot = `BENCH${Date.now() % 100000000}`;
const created = await api.post(`${base}/api/v1/orders`, {
  data: { kind: 'packaging', product_id: product.id, lot, expiry: '2028-06-30', line: 'Line 3', quantity: 1000 },
});
const order = await created.json();

// The operator opens it on the tablet and reserves a block of 400.
await page.goto(base);
await page.getByLabel('Username').fill('operator');
await page.getByLabel('Password').fill('demo-operator-2026');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByText('Data from').waitFor();
await page.getByRole('link', { name: 'Packaging line' }).click();
await page.getByRole('button', { name: new RegExp(`lot ${lot}`) }).click();
await page.getByLabel('Serials to reserve').fill('400');
await page.getByRole('button', { name: 'Reserve serials for this tablet' }).click();
await page.getByRole('status').filter({ hasText: '400 serials reserved' }).waitFor();
const rows = (await (await api.get(`${base}/api/v1/orders/${order.id}/serials?limit=10000`)).json()).serials;
const block = rows.filter((row) => row.device_id).map((row) => row.serial);
await context.setOffline(true);

/** Runs `count` commissionings in the page and waits for the progress line to count them all. */
async function timed(kind, serials) {
  return page.evaluate(async ({ kind, serials, gtin }) => {
    const progress = () => document.querySelector('[aria-label="Progress"]').textContent;
    const counted = () => Number(/Commissioned (\d+)/.exec(progress())[1]);
    const startCount = counted();
    const next = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Commission next unit');
    const input = document.getElementById('line-scan');
    const start = performance.now();
    for (let n = 0; n < serials.length; n++) {
      if (kind === 'button') {
        next.click();
      } else {
        input.value = `]d201${gtin}21${serials[n]}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.form.requestSubmit();
      }
      // One at a time, as a line does: the next pack comes once this one is on screen.
      while (counted() < startCount + n + 1) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return performance.now() - start;
  }, { kind, serials, gtin: product.code });
}

const scanMs = await timed('scan', block.slice(200, 400));
const buttonMs = await timed('button', block.slice(0, 200));
const rate = (ms) => (200 / (ms / 1000)).toFixed(1);
console.log(`offline commissioning from the tablet's block: ${rate(buttonMs)} units/s by the button, ${rate(scanMs)} units/s by scanning (200 each; one strict IndexedDB transaction per unit)`);
await browser.close();
