import { expect, test, type Browser, type Page } from '@playwright/test';
import { AppPage } from '../pages/app_page';

// Each run makes its own names: the demo server is shared by every spec of a run.
const run = Date.now().toString().slice(-6);

async function openAdministration(page: Page, tab: string) {
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: tab }).click();
}

/** The person's own browser: another context, so admin and person do not share a session. */
async function personsBrowser(browser: Browser, page: Page) {
  const context = await browser.newContext({ baseURL: new URL(page.url()).origin });
  return { context, page: await context.newPage() };
}

test('an admin adds a person, changes their role, ends a session, sets a new password and disables them', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000); // six sign-ins, each an argon2 hash on the debug server
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Users');
  const username = `clerk${run}`;
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Name', { exact: true }).fill(`Clerk ${run}`);
  await form.getByLabel('Role').selectOption('supervisor');
  await form.getByLabel(/First password/).fill('short');
  await form.getByRole('button', { name: 'Add the user' }).click();
  await expect(page.getByRole('alert')).toContainText('at least 12 characters');
  await form.getByLabel(/First password/).fill('first long password');
  await form.getByRole('button', { name: 'Add the user' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'can sign in' })).toHaveText(`${username} can sign in now.`);
  const row = page.getByRole('row').filter({ hasText: username });
  await expect(row).toContainText('Active, never signed in');

  // The person signs in in their own browser.
  const person = await personsBrowser(browser, page);
  await new AppPage(person.page).signIn(username, 'first long password');

  await page.getByLabel(`Role of ${username}`).selectOption('quality');
  await row.getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is now' })).toHaveText(`${username} is now quality.`);

  // Their session is listed; ending it signs them out.
  await page.getByRole('button', { name: `Sessions of ${username}` }).click();
  const sessions = page.getByRole('region', { name: `Sessions of ${username}` });
  await expect(sessions.getByRole('listitem')).toHaveCount(1);
  await expect(sessions.getByRole('listitem')).toContainText(/Chrome|A browser/);
  page.once('dialog', (dialog) => dialog.accept());
  await sessions.getByRole('button', { name: /^End the session/ }).click();
  await expect(sessions.getByRole('status')).toHaveText('The session is ended.');
  await expect(sessions.getByText('Not signed in anywhere.')).toBeVisible();
  expect((await person.page.request.get('/api/v1/products')).status()).toBe(401);
  await sessions.getByRole('button', { name: 'Close' }).click();

  // A new password set by the admin: the old one no longer signs in, the new one does.
  await page.getByRole('button', { name: `New password for ${username}` }).click();
  const reset = page.getByRole('form', { name: `New password for ${username}` });
  await reset.getByLabel(/Password/).fill('second long password');
  await reset.getByRole('button', { name: 'Set the password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'new password' }))
    .toHaveText(`${username} has a new password and is signed out everywhere.`);
  // Their device says the session ended and asks for the password again, keeping what it holds.
  await person.page.reload();
  const again = person.page.getByRole('form', { name: 'Sign in again' });
  await expect(person.page.getByRole('heading', { name: 'Your session has ended' })).toBeVisible();
  await again.getByLabel('Password').fill('first long password');
  await again.getByRole('button', { name: 'Sign in again' }).click();
  await expect(person.page.getByRole('alert')).toBeVisible();
  await again.getByLabel('Password').fill('second long password');
  await again.getByRole('button', { name: 'Sign in again' }).click();
  await expect(person.page.getByRole('heading', { name: 'Your session has ended' })).toHaveCount(0);
  expect((await person.page.request.get('/api/v1/products')).status()).toBe(200);

  // Disabled: signed out at once, and cannot sign in.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: `Disable ${username}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'disabled' }))
    .toHaveText(`${username} is disabled and signed out.`);
  await expect(row).toContainText('Disabled');
  expect((await person.page.request.get('/api/v1/products')).status()).toBe(401);
  await person.context.close();
});

test('an admin may not disable the last admin', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Users');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Disable admin', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(/admin/i);
  const admin = page.getByRole('row').filter({ hasText: 'Demo admin' });
  await expect(admin).not.toContainText('Disabled');
});

test('an admin sets the export ceilings; a key over its ceiling is refused and the audit trail raises an alert', async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.signIn();
  await openAdministration(page, 'Data protection');
  const form = page.getByRole('form', { name: 'Data protection' });
  await form.getByLabel('Operator (serials a day)').fill('0');
  await form.getByRole('button', { name: 'Save the settings' }).click();
  await expect(form.getByRole('alert')).toContainText('operator ceiling as 1 to 1,000,000,000');
  await form.getByLabel('Operator (serials a day)').fill('2,000,000');
  await form.getByLabel('Alert when one exports more serials in an hour than').fill('3');
  await form.getByRole('button', { name: 'Save the settings' }).click();
  await expect(form.getByRole('status')).toHaveText('The data-protection settings are saved.');
  await page.reload();
  await expect(page.getByLabel('Operator (serials a day)')).toHaveValue('2,000,000');

  // A key allowed 5 exported serials a day reads one page of 5 units, and is refused the next.
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  const keys = page.getByRole('form', { name: 'New API key' });
  await keys.getByLabel('What it is for').fill(`Reader ${run}`);
  await keys.getByLabel(/Exported serials a day/).fill('5');
  await keys.getByRole('button', { name: 'Make the key' }).click();
  const key = (await keys.locator('.key-once code').textContent()) ?? '';
  const asMachine = { headers: { authorization: `Bearer ${key}` } };
  const first = await page.request.get('/api/v1/snapshot?limit=5&history=0', asMachine);
  expect(first.status()).toBe(200);
  const refused = await page.request.get('/api/v1/snapshot?limit=5&history=0', asMachine);
  expect(refused.status()).toBe(429);
  expect((await refused.json()).code).toBe('export_ceiling_reached');

  await page.getByRole('link', { name: 'Audit trail' }).click();
  const alerts = page.getByRole('region', { name: 'Alerts' });
  await expect(alerts.getByRole('heading')).toHaveText(/\d+ alerts? in the last hour/);
  await expect(alerts).toContainText(`Reader ${run}`);
});
