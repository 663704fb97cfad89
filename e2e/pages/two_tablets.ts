import type { Browser, BrowserContext, Page } from '@playwright/test';
import { AppPage, demoUnit } from './app_page';
import { UnitPage } from './unit_page';

/** One signed-in tablet: its browser context (to cut its network), page, app and unit screen. */
export interface Tablet {
  context: BrowserContext;
  page: Page;
  app: AppPage;
  unit: UnitPage;
}

async function tablet(browser: Browser, username: string, password: string): Promise<Tablet> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const app = new AppPage(page);
  await app.signIn(username, password);
  return { context, page, app, unit: new UnitPage(page) };
}

/**
 * An operator's and a supervisor's tablet, side by side, both showing the same demo unit of `status` (the
 * `skip`-th such unit, so journeys that change units do not pick the same one).
 */
export async function twoTabletsOnOneUnit(browser: Browser, status: string, skip: number) {
  const operator = await tablet(browser, 'operator', 'demo-operator-2026');
  const supervisor = await tablet(browser, 'supervisor', 'demo-supervisor-2026');
  const unit = await demoUnit(operator.page.request, status, skip);
  const code = `(01)${unit.gtin}(21)${unit.serial}`;
  const shown = status.charAt(0).toUpperCase() + status.slice(1);
  for (const { app, unit: unitPage } of [operator, supervisor]) {
    await app.openLookup();
    await app.lookUp(code);
    await unitPage.expectStatus(shown);
  }
  return { operator, supervisor, unit };
}
