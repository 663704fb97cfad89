import { expect, test, type Page } from '@playwright/test';
import { AppPage } from '../pages/app_page';

// Each run makes its own names: the demo server is shared by every spec of a run.
const run = Date.now().toString().slice(-6);

/** A GTIN-14 under the GS1 example prefix 952 with its check digit. */
function gtin(reference: string): string {
  const body = `0952012${reference}`.padEnd(13, '0').slice(0, 13);
  const sum = [...body].reverse().reduce((total, digit, at) => total + Number(digit) * (at % 2 === 0 ? 3 : 1), 0);
  return body + ((10 - (sum % 10)) % 10);
}

async function openAdministration(page: Page, tab: string) {
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: tab }).click();
}

test('an admin adds a product with a move only operators may make, then changes it', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Products');
  const code = gtin(run);
  const name = `Tablet ${run}`;

  await page.getByRole('button', { name: 'Add a product' }).click();
  const form = page.getByRole('form', { name: 'Add a product' });
  await form.getByLabel('Product code').fill('09520123');
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Add the product' }).click();
  await expect(form.getByRole('alert')).toContainText(/GTIN|digits/);

  await form.getByLabel('Product code').fill(code);
  await form.getByLabel('Length').fill('12');
  await expect(form.getByText(/^Room for [\d,]+ serials/)).toBeVisible();
  await form.getByLabel('Picked → Shipped: operator').check();
  await expect(form.getByLabel('Quarantine → Available: needs approval')).toBeChecked();
  await form.getByRole('button', { name: 'Add the product' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} is saved.` })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText(name);

  // The form opens with what the server now holds: the restriction is there.
  await page.getByRole('button', { name: `Change ${name}` }).click();
  const change = page.getByRole('form', { name: `Change ${name}` });
  await expect(change.getByText(code)).toBeVisible();
  await expect(change.getByLabel('Picked → Shipped: operator')).toBeChecked();
  await change.getByLabel('Name').fill(`${name} 20 mg`);
  await change.getByLabel('Picked → Shipped: operator').uncheck();
  await change.getByLabel('Picked → Shipped: supervisor').check();
  await change.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} 20 mg is saved.` })).toBeVisible();
  await expect(row).toContainText(`${name} 20 mg`);
  await page.getByRole('button', { name: `Change ${name} 20 mg` }).click();
  const again = page.getByRole('form', { name: `Change ${name} 20 mg` });
  await expect(again.getByLabel('Picked → Shipped: operator')).not.toBeChecked();
  await expect(again.getByLabel('Picked → Shipped: supervisor')).toBeChecked();
});

test('an admin adds a location, is told what a bad GLN lacks, and renames it', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Locations');
  const form = page.getByRole('form', { name: 'Location' });
  await form.getByLabel('Name').fill(`Dock ${run}`);
  await form.getByLabel('GLN (13 digits, optional)').fill('12345');
  await form.getByRole('button', { name: 'Add the location' }).click();
  await expect(form.getByRole('alert')).toContainText('13 digits');

  await form.getByLabel('GLN (13 digits, optional)').fill('4012345000009');
  await form.getByRole('button', { name: 'Add the location' }).click();
  await expect(form.getByRole('status')).toHaveText(`Dock ${run} is saved.`);
  await page.getByRole('button', { name: `Change Dock ${run}` }).click();
  await expect(form.getByLabel('Name')).toHaveValue(`Dock ${run}`);
  await form.getByLabel('Name').fill(`Dock ${run} east`);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('status')).toHaveText(`Dock ${run} east is saved.`);
  await expect(page.getByRole('row').filter({ hasText: `Dock ${run} east` })).toContainText('4012345000009');
});

test('an admin makes an API key, sees it once, narrows it and revokes it', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'API keys');
  const purpose = `Line 7 ${run}`;
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('What it is for').fill(purpose);
  await form.getByLabel('Acts as').selectOption('operator');
  await form.getByRole('button', { name: 'Make the key' }).click();
  const shown = form.locator('.key-once code');
  await expect(shown).toBeVisible();
  const key = (await shown.textContent()) ?? '';
  expect(key.length).toBeGreaterThan(20);

  // The key works for a machine, with no session.
  const asMachine = { headers: { authorization: `Bearer ${key}` } };
  const context = await page.context().browser()!.newContext({ baseURL: new URL(page.url()).origin });
  expect((await context.request.get('/api/v1/products', asMachine)).status()).toBe(200);

  await page.getByLabel(`Serials per request for ${purpose}`).fill('5,000');
  await page.getByLabel(`Exported serials a day for ${purpose}`).fill('20,000');
  await page.getByRole('row').filter({ hasText: purpose }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'per request' }))
    .toHaveText(`${purpose} may now ask for 5,000 serials per request; it may export 20,000 serials a day.`);

  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: `Revoke ${purpose}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'revoked' })).toHaveText('The key is revoked.');
  await expect(page.getByRole('row').filter({ hasText: purpose })).toContainText('Revoked');
  expect((await context.request.get('/api/v1/products', asMachine)).status()).toBe(401);
  await context.close();
});

test('an admin sets how many serials one assignment may give the CMO', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Partners');
  await expect(page.getByRole('row').filter({ hasText: 'Demo CMO' })).toContainText('Contract manufacturer (CMO)');
  await page.getByLabel('Serials per assignment for Demo CMO').fill('lots');
  await page.getByRole('row').filter({ hasText: 'Demo CMO' }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('Serials per assignment for Demo CMO').fill('2,500');
  await page.getByRole('row').filter({ hasText: 'Demo CMO' }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'assignment' }))
    .toHaveText('One assignment may now give Demo CMO up to 2,500 serials.');

  // Inviting a CMO that is a partner already says so.
  const invite = page.getByRole('form', { name: 'Invite a partner' });
  await invite.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(page.getByRole('alert')).toContainText("organisation id");
});

test("a CMO's admin reads the organisation id a brand owner invites it by", async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('cmo-admin', 'demo-cmo-2026');
  await openAdministration(page, 'Partners');
  await expect(page.getByText("Your organisation id, for a brand owner to invite you:")).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'Demo Pharma' })).toContainText('Brand owner (MAH)');
});

test('a supervisor changes products and locations but not keys; an operator has no administration', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('supervisor', 'demo-supervisor-2026');
  await page.getByRole('link', { name: 'Administration' }).click();
  const tabs = page.getByRole('navigation', { name: 'Settings' });
  await expect(tabs.getByRole('link')).toHaveText(['Products', 'Locations']);
  // An old link into the app opens Administration's own page, which says what the role cannot do.
  await page.goto('/#/admin/api-keys');
  await expect(page).toHaveURL(/\/admin\/#\/admin\/api-keys$/);
  await expect(page.getByRole('alert')).toHaveText('Your role does not change these settings: ask an admin.');

  await page.getByRole('link', { name: 'Back to the app' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Signing out ends the session, then forgets the user on the device: a reload in between would find the user.
  await expect(page.getByLabel('Username')).toBeVisible();
  await app.signIn('operator', 'demo-operator-2026');
  await expect(page.getByRole('link', { name: 'Unit lookup' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
});
