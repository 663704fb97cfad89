import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test('a session that ends while changes wait asks to sign in again, keeps them, and then sends them', async ({
  page,
  context,
}) => {
  const app = new AppPage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  const unit = await demoUnit(page.request, 'available', 3);
  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  await unitPage.expectStatus('Available');

  await context.setOffline(true);
  await unitPage.act('Add note', { Note: 'Written before the session ran out' });
  await unitPage.expectWaiting('1 change waiting');
  // The session ends on the server meanwhile (it ran out, or an admin ended it); the tablet is still offline
  // (the test's own API requests do not go through the browser's network).
  const ended = await page.request.delete('/api/v1/sessions/current');
  expect(ended.ok()).toBeTruthy();
  await context.setOffline(false);

  const panel = page.getByRole('region', { name: 'Your session has ended' });
  await expect(panel).toContainText('Sign in again as Demo operator (operator)', { timeout: 20_000 });
  await expect(panel).toContainText('The change waiting on this device goes out once you do');
  await page.screenshot({ path: 'test-results/session-ended.png' });
  // Signing out would clear the device: it stays blocked while the change waits.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('1 change on this device still waits to reach the server')).toBeVisible();

  const form = panel.getByRole('form', { name: 'Sign in again' });
  await form.getByLabel('Password').fill('wrong-password');
  await form.getByRole('button', { name: 'Sign in again' }).click();
  await expect(form.getByRole('alert')).toHaveText('Wrong username or password.');
  await form.getByLabel('Password').fill('demo-operator-2026');
  await form.getByRole('button', { name: 'Sign in again' }).click();
  await expect(panel).toBeHidden();
  await unitPage.expectWaiting('All changes synced');
  await expect(app.history().first()).toContainText('Written before the session ran out');
});
