import { expect, type Locator, type Page } from '@playwright/test';

/** The scan screen, found the way a user finds it: by labels and roles. */
export class ScanPage {
  readonly scanBox: Locator;
  readonly separator: Locator;
  readonly elements: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.scanBox = page.getByLabel('Scan or enter a code');
    this.separator = page.getByLabel('Scanner sends GS as');
    this.elements = page.getByRole('table', { name: 'Parsed elements' });
    this.error = page.getByRole('alert');
  }

  async open() {
    await this.page.goto('/');
    await expect(this.scanBox).toBeVisible();
  }

  /** Types as a keyboard-wedge scanner does: one key at a time. */
  async scan(text: string) {
    await this.scanBox.fill('');
    await this.scanBox.pressSequentially(text);
  }

  row(ai: string): Locator {
    return this.elements.getByRole('row').filter({ has: this.page.getByRole('cell', { name: `(${ai})`, exact: true }) });
  }
}
