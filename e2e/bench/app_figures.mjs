// The app's figures in headless Chromium (scripts/bench-app): load to a usable pool page with 500 products, and
// offline unit lookups with 100,000 units stored on the device. Prints figures; asserts nothing.
import { launch } from './browser.mjs';

const base = process.env.BASE ?? 'http://127.0.0.1:18700';
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();

// 500 products in the tenant (the demo has a few; add the rest through the API).
await page.goto(base);
const api = context.request;
await api.post(`${base}/api/v1/sessions`, { data: { username: 'admin', password: 'demo-admin-2026' } });
const existing = (await (await api.get(`${base}/api/v1/products?limit=1000`)).json()).products.length;
for (let i = existing; i < 500; i++) {
  await api.post(`${base}/api/v1/products`, { data: { code_schema: 'internal', code: `BENCH-${i}`, name: `Bench product ${i}` } });
}

await page.reload();
await page.getByLabel('Username').fill('admin');
await page.getByLabel('Password').fill('demo-admin-2026');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByText('Data from').waitFor();
const loads = [];
for (let run = 0; run < 5; run++) {
  const start = Date.now();
  await page.reload();
  await page.getByRole('button', { name: 'Expand BENCH-499' }).waitFor();
  loads.push(Date.now() - start);
}
const rows = await page.getByRole('button', { name: /^Expand / }).count();
console.log(`load to a usable pool page with ${rows} products: median ${median(loads)} ms (runs: ${loads.join(', ')} ms)`);

// 100,000 units (and 3 history rows each for 1,000 of them) written straight into the app's IndexedDB.
await page.evaluate(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('serialtrack');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  for (let batch = 0; batch < 10; batch++) {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(['units', 'history'], 'readwrite');
      const units = tx.objectStore('units');
      const history = tx.objectStore('history');
      for (let i = batch * 10000; i < (batch + 1) * 10000; i++) {
        const serial = `B${String(i).padStart(9, '0')}`;
        const key = `09506000134352/${serial}`;
        units.put({ key, gtin: '09506000134352', serial, status: 'shipped', product_name: 'Bench', lot: 'L1', expiry: null, location: 'Hall 3', owner: null });
        if (i % 100 === 0) {
          for (let seq = 1; seq <= 3; seq++) {
            history.put({ unit_key: key, seq: i * 10 + seq, at: '2026-11-23T10:00:00Z', who: 'bench', role: null, device: null, location: null, what: 'Shipped', change: null, why: null }, `${key}\u0001${String(i * 10 + seq).padStart(20, '0')}`);
          }
        }
      }
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }
  db.close();
});
await context.setOffline(true);
await page.reload();
await page.getByRole('link', { name: 'Unit lookup' }).click();
const box = page.getByLabel('Scan or enter a code');
const times = [];
for (let n = 0; n < 100; n++) {
  const i = (n * 997) % 100000;
  const serial = `B${String(i).padStart(9, '0')}`;
  await box.fill(`(01)09506000134352(21)${serial}`);
  // Timed inside the page, from the Enter key to the unit's heading in the DOM: no automation round trips.
  times.push(await page.evaluate((serial) => new Promise((resolve) => {
    const input = document.getElementById('scan-input');
    const wanted = `Unit 09506000134352 · ${serial}`;
    const start = performance.now();
    const observer = new MutationObserver(() => {
      const heading = document.getElementById('unit-heading');
      if (heading && heading.textContent === wanted) {
        observer.disconnect();
        resolve(performance.now() - start);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }), serial));
}
times.sort((a, b) => a - b);
console.log(`offline lookup with 100,000 units stored: p50 ${times[49].toFixed(1)} ms, p95 ${times[94].toFixed(1)} ms (Enter to the unit on screen, 100 lookups)`);
await browser.close();

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
