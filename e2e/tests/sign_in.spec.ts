import { expect, test } from '@playwright/test';
import { AppPage } from '../pages/app_page';

test('a user signs in and sees the pool, and a wrong password is refused in words', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/wrong username or password|too many/i);

  const app = new AppPage(page);
  await app.signIn();
  await expect(app.status).toContainText('Online');
  await expect(page.getByText('Demo admin')).toBeVisible();
});

test('signing out clears the device and returns to sign-in', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Username')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Username')).toBeVisible();
});
