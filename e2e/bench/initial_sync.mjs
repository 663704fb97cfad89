// Initial sync of 10,000 and 100,000 units into a fresh browser profile, side by side in the same headless
// Chromium (scripts/bench-sync-vs-pouchdb starts the servers and runs this):
//   serialtrack app     the app itself: sign in, "What this device keeps" → "All units", from the change of the
//                       radio button to the status saying "Data from …" again (its bootstrap from
//                       GET /api/v1/snapshot?limit=1000&history=10 into IndexedDB, progress shown per page)
//   serialtrack direct  the app's data path before schema v4, without the app: fetch snapshot pages of 500, put
//                       each page's units and history lines into IndexedDB in one transaction per page
//   PouchDB             PouchDB.replicate(remote, local) from pouchdb-server (in memory, filled beforehand with
//                       the same documents: one per unit, the snapshot's JSON for it) into a local PouchDB
//   raw IndexedDB       the same documents, already in memory, put in one transaction (the floor)
// Every measurement gets its own fresh on-disk profile (a new user data dir), so IndexedDB is on disk as for
// a real user; every figure is timed inside the page. Prints a table; asserts nothing.
import { chromium, request } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const servers = { 10000: process.env.ST_10K, 100000: process.env.ST_100K };
const pouchBase = process.env.POUCH;
const pouchJs = process.env.POUCH_JS;
const password = process.env.ADMIN_PASSWORD;
const sizes = (process.env.SIZES ?? '10000,100000').split(',').map(Number);
// PARTS=direct,pouch,raw skips the others (for trying the benchmark out); their columns then show NaN.
const parts = (process.env.PARTS ?? 'app,direct,pouch,raw').split(',');
const skipped = { ms: NaN, stored: NaN, written: NaN, adapter: '-' };
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const GTIN = '09506000134352';

/** A fresh on-disk profile for one measurement; closed and deleted afterwards. */
async function withProfile(work) {
  const dir = mkdtempSync(join(tmpdir(), 'serialtrack-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // BENCH_CONSOLE=1 shows what the page logs (for looking into where the time goes).
    if (process.env.BENCH_CONSOLE) page.on('console', (message) => console.error(`[page] ${message.text()}`));
    return await work(context, page);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Not timed: a product with `count` units on the server, and the same documents in pouchdb-server. */
async function prepare(base, count) {
  const api = await request.newContext({ baseURL: base });
  const signedIn = await api.post('/api/v1/sessions', { data: { username: 'admin', password } });
  if (!signedIn.ok()) throw new Error(`sign-in: ${signedIn.status()} ${await signedIn.text()}`);
  let product = (await (await api.get('/api/v1/products?limit=10')).json()).products.find((p) => p.code === GTIN);
  if (!product) {
    const made = await api.post('/api/v1/products', { data: { code_schema: 'gtin', code: GTIN, name: 'Bench product' } });
    if (!made.ok()) throw new Error(`product: ${made.status()} ${await made.text()}`);
    product = await made.json();
  }
  const started = Date.now();
  for (let start = 0; start < count; start += 10000) {
    const made = await api.post('/api/v1/units', {
      data: { product_id: product.id, lot: 'L1', location: 'Hall 3', range: { prefix: 'B', start, count: Math.min(10000, count - start), width: 9 } },
      timeout: 600_000,
    });
    if (!made.ok()) throw new Error(`units: ${made.status()} ${await made.text()}`);
  }
  const registered = Date.now() - started;
  // The documents: one per unit, exactly what the snapshot gives for it (the unit and its recent history).
  const docs = [];
  let after = null;
  for (;;) {
    const page = await (await api.get(`/api/v1/snapshot?limit=5000&history=10${after ? `&after=${after}` : ''}`)).json();
    for (const entry of page.units) docs.push({ _id: entry.unit.id, unit: entry.unit, history: entry.history });
    if (!page.has_more || !page.next_after) break;
    after = page.next_after;
  }
  if (docs.length !== count) throw new Error(`the snapshot has ${docs.length} units, expected ${count}`);
  const db = `${pouchBase}/units_${count}`;
  await fetch(db, { method: 'DELETE' });
  await fetch(db, { method: 'PUT' });
  for (let i = 0; i < docs.length; i += 2000) {
    const response = await fetch(`${db}/_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ docs: docs.slice(i, i + 2000) }),
    });
    if (!response.ok) throw new Error(`pouchdb-server bulk_docs: ${response.status} ${await response.text()}`);
  }
  const info = await (await fetch(db)).json();
  if (info.doc_count !== count) throw new Error(`pouchdb-server holds ${info.doc_count} docs, expected ${count}`);
  const bytes = JSON.stringify(docs[0]).length;
  console.error(`[prepare ${count}] registered in ${(registered / 1000).toFixed(1)} s; one doc is ${bytes} bytes of JSON; pouchdb-server filled`);
  await api.dispose();
  return { db };
}

/** (a) The app: sign in, then "All units"; from the radio's change to "Data from …" after "Loading units…". */
async function appBootstrap(base, count) {
  return withProfile(async (context, page) => {
    await page.goto(base);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Data from').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'What this device keeps' }).click();
    const status = page.getByRole('main').getByRole('status');
    await status.waitFor();
    await page.evaluate(() => {
      const bench = (window.__bench = { start: null, done: null, seenLoading: false, pages: 0 });
      document.addEventListener('change', () => { bench.start ??= performance.now(); }, true);
      const observer = new MutationObserver(() => {
        const text = document.querySelector('main [role=status]')?.textContent ?? '';
        if (text.startsWith('Loading units')) { bench.seenLoading = true; bench.pages++; }
        if (bench.seenLoading && text.startsWith('Data from') && bench.done === null) {
          bench.done = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.getByRole('radio', { name: /All units/ }).check();
    await page.waitForFunction(() => window.__bench.done !== null, null, { timeout: 0, polling: 200 });
    const bench = await page.evaluate(() => window.__bench);
    const stored = await countStore(page, 'serialtrack', 'units');
    if (stored < count) throw new Error(`the app stored ${stored} units, expected ${count}`);
    return { ms: bench.done - bench.start, stored };
  });
}

async function countStore(page, name, store) {
  return page.evaluate(([name, store]) => new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const counted = db.transaction(store).objectStore(store).count();
      counted.onsuccess = () => { db.close(); resolve(counted.result); };
      counted.onerror = () => reject(counted.error);
    };
  }), [name, store]);
}

async function signedInPage(context, page, base) {
  const signedIn = await context.request.post(`${base}/api/v1/sessions`, { data: { username: 'admin', password } });
  if (!signedIn.ok()) throw new Error(`sign-in: ${signedIn.status()}`);
  await page.goto(`${base}/api/v1/health`);
}

/** (a') The app's data path without the app: snapshot pages of 500 with 10 history events, one transaction per page. */
async function directBootstrap(base, count) {
  return withProfile(async (context, page) => {
    await signedInPage(context, page, base);
    const result = await page.evaluate(async () => {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('bench-direct', 1);
        open.onupgradeneeded = () => {
          open.result.createObjectStore('units');
          open.result.createObjectStore('history');
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const start = performance.now();
      let after = null;
      let units = 0;
      let fetching = 0;
      for (;;) {
        const asked = performance.now();
        const response = await fetch(`/api/v1/snapshot?limit=500&history=10${after ? `&after=${after}` : ''}`);
        const page = await response.json();
        fetching += performance.now() - asked;
        await new Promise((resolve, reject) => {
          const tx = db.transaction(['units', 'history'], 'readwrite', { durability: 'relaxed' });
          const unitStore = tx.objectStore('units');
          const historyStore = tx.objectStore('history');
          for (const entry of page.units) {
            const key = `${entry.unit.state.gtin ?? entry.unit.product_id}/${entry.unit.serial}`;
            unitStore.put(entry.unit, key);
            for (const event of entry.history) historyStore.put(event, `${key}\u0001${String(event.seq).padStart(20, '0')}`);
          }
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        units += page.units.length;
        if (!page.has_more || !page.next_after) break;
        after = page.next_after;
      }
      const ms = performance.now() - start;
      db.close();
      return { ms, units, fetching };
    });
    if (result.units !== count) throw new Error(`direct: ${result.units} units, expected ${count}`);
    return result;
  });
}

/** (b) PouchDB.replicate(remote, local) into a fresh profile, on pouchdb-server's own origin (no CORS). */
async function pouchReplicate(db, count) {
  return withProfile(async (context, page) => {
    await page.goto(`${pouchBase}/`);
    await page.addScriptTag({ path: pouchJs });
    const result = await page.evaluate(async (remote) => {
      const start = performance.now();
      const local = new PouchDB('local');
      const replication = await PouchDB.replicate(remote, local);
      const ms = performance.now() - start;
      const info = await local.info();
      return { ms, docs: info.doc_count, written: replication.docs_written, adapter: local.adapter };
    }, db);
    if (result.docs !== count) throw new Error(`PouchDB replicated ${result.docs} docs, expected ${count}`);
    return result;
  });
}

/** (c) The floor: the same documents, fetched beforehand (not timed), put in one IndexedDB transaction. */
async function rawPut(base, count) {
  return withProfile(async (context, page) => {
    await signedInPage(context, page, base);
    const result = await page.evaluate(async () => {
      const docs = [];
      let after = null;
      for (;;) {
        const page = await (await fetch(`/api/v1/snapshot?limit=5000&history=10${after ? `&after=${after}` : ''}`)).json();
        for (const entry of page.units) docs.push({ _id: entry.unit.id, unit: entry.unit, history: entry.history });
        if (!page.has_more || !page.next_after) break;
        after = page.next_after;
      }
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('bench-raw', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('docs', { keyPath: '_id' });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const start = performance.now();
      await new Promise((resolve, reject) => {
        const tx = db.transaction('docs', 'readwrite', { durability: 'relaxed' });
        const store = tx.objectStore('docs');
        for (const doc of docs) store.put(doc);
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      const ms = performance.now() - start;
      db.close();
      return { ms, docs: docs.length };
    });
    if (result.docs !== count) throw new Error(`raw: ${result.docs} docs, expected ${count}`);
    return result;
  });
}

const rows = [];
for (const count of sizes) {
  const base = servers[count];
  const { db } = await prepare(base, count);
  const app = parts.includes('app') ? await appBootstrap(base, count) : skipped;
  console.error(`[${count}] serialtrack app: ${(app.ms / 1000).toFixed(2)} s (${app.stored} units stored)`);
  const direct = parts.includes('direct') ? await directBootstrap(base, count) : skipped;
  console.error(`[${count}] serialtrack direct: ${(direct.ms / 1000).toFixed(2)} s, of which fetching and parsing the pages ${(direct.fetching / 1000).toFixed(2)} s`);
  const pouch = parts.includes('pouch') ? await pouchReplicate(db, count) : skipped;
  console.error(`[${count}] PouchDB (${pouch.adapter}): ${(pouch.ms / 1000).toFixed(2)} s (${pouch.written} docs written)`);
  const raw = parts.includes('raw') ? await rawPut(base, count) : skipped;
  console.error(`[${count}] raw IndexedDB: ${(raw.ms / 1000).toFixed(2)} s`);
  rows.push({ count, app: app.ms / 1000, direct: direct.ms / 1000, pouch: pouch.ms / 1000, raw: raw.ms / 1000 });
}

const header = ['units', 'serialtrack s', 'PouchDB s', 'raw IndexedDB s', 'ratio vs PouchDB', 'ratio vs raw', '| direct path s', 'direct vs PouchDB', 'direct vs raw'];
const table = rows.map((r) => [
  r.count.toLocaleString('en'),
  r.app.toFixed(2),
  r.pouch.toFixed(2),
  r.raw.toFixed(2),
  `${(r.pouch / r.app).toFixed(1)}× faster`,
  `${(r.app / r.raw).toFixed(1)}× slower`,
  `| ${r.direct.toFixed(2)}`,
  `${(r.pouch / r.direct).toFixed(1)}× faster`,
  `${(r.direct / r.raw).toFixed(1)}× slower`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
console.log('initial sync into a fresh browser profile (headless Chromium, IndexedDB on disk)');
console.log(line(header));
for (const row of table) console.log(line(row));
console.log('serialtrack = the app (sign in, "All units", until "Data from"); direct path = the same snapshot pages put');
console.log('into IndexedDB without the app; PouchDB = PouchDB.replicate(pouchdb-server, local); raw = one transaction.');
console.log('goals: serialtrack ≥ 5× faster than PouchDB, within 2× of raw IndexedDB');
