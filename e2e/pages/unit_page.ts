import { expect, type Locator, type Page } from '@playwright/test';

/** The unit screen after a lookup: its actions, the changes recorded on this device, and the sync header. */
export class UnitPage {
  readonly statusBadge: Locator;
  readonly pendingChanges: Locator;
  readonly waiting: Locator;
  readonly attentionLink: Locator;

  constructor(readonly page: Page) {
    this.statusBadge = page.getByRole('article').getByRole('status');
    this.pendingChanges = page.getByRole('list', { name: 'Changes on this device' }).getByRole('listitem');
    this.waiting = page.getByText(/changes? waiting|All changes synced/);
    this.attentionLink = page.getByRole('link', { name: /^Needs attention \(\d+\)$/ });
  }

  action(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** Opens an action's form, fills its fields by label, and confirms it. */
  async act(name: string, fields: Record<string, string> = {}) {
    await this.action(name).click();
    const form = this.page.getByRole('form', { name: `${name} form` });
    for (const [label, value] of Object.entries(fields)) {
      await form.getByLabel(label).fill(value);
    }
    await form.getByRole('button', { name: 'Confirm', exact: true }).click();
  }

  change(what: string): Locator {
    return this.pendingChanges.filter({ hasText: what });
  }

  async expectStatus(status: string) {
    await expect(this.statusBadge).toHaveText(status);
  }

  async expectWaiting(text: string | RegExp) {
    await expect(this.waiting).toHaveText(text, { timeout: 20_000 });
  }
}

/** "Needs attention": the changes the server refused, and what can be done about each. */
export class AttentionPage {
  readonly items: Locator;

  constructor(readonly page: Page) {
    this.items = page.getByRole('list', { name: 'Needs attention' }).getByRole('listitem');
  }

  async open() {
    await this.page.getByRole('link', { name: /^Needs attention \(\d+\)$/ }).click();
    await expect(this.page.getByRole('heading', { name: 'Needs attention' })).toBeVisible();
  }
}
