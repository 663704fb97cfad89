import { expect, type Locator, type Page } from '@playwright/test';
import { AppPage } from './app_page';

/** A product's pool actions on the pool screen (generate, import, assign, release), found by role and label. */
export class PoolActionsPage {
  constructor(readonly page: Page) {}

  /** Signs in (the demo admin unless told) and returns the pool screen's actions. */
  static async signIn(page: Page, username?: string, password?: string): Promise<PoolActionsPage> {
    await new AppPage(page).signIn(username, password);
    return new PoolActionsPage(page);
  }

  async open(code: string) {
    const expand = this.page.getByRole('button', { name: `Expand ${code}`, exact: true });
    if ((await expand.getAttribute('aria-expanded')) !== 'true') await expand.click();
    await expect(this.chart(code)).toBeVisible();
  }

  chart(code: string): Locator {
    return this.page.getByRole('img', { name: new RegExp(`Pool status of ${code}`) });
  }

  /** The product's counts as its donut's accessible name says them (expanding the product). */
  async counts(code: string): Promise<{ available: number; assigned: number }> {
    await this.open(code);
    const label = (await this.chart(code).getAttribute('aria-label')) ?? '';
    const [, available, assigned] = label.match(/Available: (\d+) serials\. Assigned: (\d+) serials\./)!;
    return { available: Number(available), assigned: Number(assigned) };
  }

  async countsText(code: string, available: number, assigned: number) {
    await expect(this.chart(code)).toHaveAccessibleName(
      `Pool status of ${code}: Available: ${available} serials. Assigned: ${assigned} serials.`,
    );
  }

  action(name: 'Generate serials' | 'Import serials' | 'Assign serials' | 'Release serials'): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  form(name: string): Locator {
    return this.page.getByRole('form', { name });
  }

  /** Expands the product and opens one of its pool actions; its form. */
  async openAction(
    code: string,
    name: 'Generate serials' | 'Import serials' | 'Assign serials' | 'Release serials',
  ): Promise<Locator> {
    await this.open(code);
    await this.action(name).click();
    return this.form(name);
  }
}
