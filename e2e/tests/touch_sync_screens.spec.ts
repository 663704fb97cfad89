import { expect, test, type Page } from '@playwright/test';
import { AppPage, demoUnit } from '../pages/app_page';

const sizes = [
  { name: 'tablet', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

async function expectTouchTargets(page: Page) {
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll('main button, main input, main select, header a, header button'))
      .filter((element) => (element as HTMLElement).offsetParent !== null)
      .filter((element) => element.getBoundingClientRect().height < 44)
      .filter((element) => (element as HTMLInputElement).type !== 'radio')
      .map((element) => element.outerHTML.slice(0, 80)),
  );
  expect(small).toEqual([]);
}

for (const size of sizes) {
  test(`the unit screen's actions, and what this device keeps, have touch targets of 44 px on a ${size.name}`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const app = new AppPage(page);
    await app.signIn('operator', 'demo-operator-2026');
    const unit = await demoUnit(page.request, 'allocated');
    await app.openLookup();
    await app.lookUp(`(01)${unit.gtin}(21)${unit.serial}`);
    await page.getByRole('button', { name: 'Ship', exact: true }).click();
    await expect(page.getByLabel('Carrier')).toBeVisible();
    await expectTouchTargets(page);
    await page.screenshot({ path: `test-results/unit-actions-${size.name}.png`, fullPage: true });
    await page.getByRole('link', { name: 'What this device keeps' }).click();
    await expect(page.getByRole('radio', { name: /Units I open/ })).toBeChecked();
    await expect(page.getByRole('main').getByRole('status')).toHaveText('Not filled from the server yet');
    await expectTouchTargets(page);
    await page.screenshot({ path: `test-results/device-keeps-${size.name}.png` });
  });
}
