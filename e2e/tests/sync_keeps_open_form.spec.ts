import { expect, test } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';
import { UnitPage } from '../pages/unit_page';

test('a slow push answered while a note is being typed leaves the form open with its text, and the page where it was', async ({
  page,
}) => {
  await page.setViewportSize({ width: 768, height: 600 });
  const app = new AppPage(page);
  const unitPage = new UnitPage(page);
  await app.signIn('operator', 'demo-operator-2026');
  const unit = await demoUnit(page.request, 'delivered');
  await app.openLookup();
  await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
  await unitPage.expectStatus('Delivered');

  // The site's network answers pushes two seconds late.
  let answered = 0;
  await page.route('**/api/v1/sync/push', async (route) => {
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await route.fulfill({ response });
    answered += 1;
  });
  await unitPage.act('Add note', { Note: 'Seal intact' });
  await expect(unitPage.change('Note added')).toBeVisible();
  await unitPage.action('Add note').click();
  const form = page.getByRole('form', { name: 'Add note form' });
  await form.getByLabel('Note').fill('Second note, half typ');
  // Scrolled a little, so the form sits where the person reads it (the changes below it will move).
  const scrolled = await page.evaluate(() => {
    window.scrollBy(0, 200);
    return window.scrollY;
  });
  expect(scrolled).toBeGreaterThan(0);

  await expect.poll(() => answered, { timeout: 15_000 }).toBeGreaterThan(0);
  await unitPage.expectWaiting('All changes synced');
  await expect(app.history().first()).toContainText('Seal intact');
  await expect(form.getByLabel('Note')).toHaveValue('Second note, half typ');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  await form.getByLabel('Note').pressSequentially('ed');
  await form.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(unitPage.change('Note added')).toBeVisible();
  await page.unroute('**/api/v1/sync/push');
  await unitPage.expectWaiting('All changes synced');
  await expect(app.history().first()).toContainText('Second note, half typed');
});
