import { expect, test, type Page } from '@playwright/test';
import { AppPage } from '../pages/app_page';

// A demo product: its units expire two years after the demo's history starts, so a run in 2045 would purge
// them under any default of 7 to 10 years; today nothing of the demo is due.
const code = '09520123456788';
const product = `${code} (Paracetamol 500 mg, 20 tablets)`;
const farDay = '2045-01-01';

async function openRetention(page: Page) {
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Retention' }).click();
  await expect(page.getByRole('heading', { name: "Organisation's default retention" })).toBeVisible();
}

/** The dry run's line of a product, found by its code in the row header. */
function planRow(page: Page, productCode: string) {
  return page.getByRole('table', { name: `What a run on ${farDay} would do` }).getByRole('row').filter({
    has: page.getByRole('rowheader', { name: productCode }),
  });
}

test('an admin sets the default, holds a product, sees the dry run keep it, lifts the hold and queues a run', async ({
  page,
}) => {
  test.setTimeout(120_000); // the run waits for the server's next look at its outbox
  const app = new AppPage(page);
  await app.signIn();
  await openRetention(page);

  // The organisation's default: a mistake is named before anything is sent, then it is saved.
  const policy = page.getByRole('form', { name: "Organisation's default retention" });
  await policy.getByLabel('Kept for (years; empty: for ever)').fill('3');
  await policy.getByLabel('Archived after (years; empty: never)').fill('5');
  await policy.getByRole('button', { name: 'Save the default' }).click();
  await expect(policy.getByRole('alert')).toContainText('archived before it is purged');
  await policy.getByLabel('Kept for (years; empty: for ever)').fill('10');
  await policy.getByLabel('Archived after (years; empty: never)').fill('3');
  await policy.getByLabel('Counted from').selectOption('expiry');
  await policy.getByRole('button', { name: 'Save the default' }).click();
  await expect(policy.getByRole('status')).toHaveText(
    "The organisation's default is saved: kept 10 years, archived after 3, counted from expiry.",
  );
  await expect(policy.getByText('Set for the organisation: kept 10 years')).toBeVisible();

  // A hold on the whole product, with its reason.
  const holds = page.getByRole('region', { name: 'Legal holds' });
  const form = page.getByRole('form', { name: 'Place a legal hold' });
  await form.getByLabel('The whole product').check();
  await form.getByLabel('Product', { exact: true }).selectOption({ label: product });
  await form.getByRole('button', { name: 'Place the hold' }).click();
  await expect(form.getByRole('alert')).toContainText('Say why the hold is placed');
  await form.getByLabel('Why (on the audit trail)').fill('Litigation hold LH-2026-7');
  await form.getByRole('button', { name: 'Place the hold' }).click();
  await expect(holds.getByRole('status')).toHaveText(`The hold on product ${product} is placed.`);
  const held = holds.getByRole('row').filter({ hasText: `Product ${product}` });
  await expect(held).toContainText('Litigation hold LH-2026-7');
  await expect(held).toContainText('Placed by admin');

  // The dry run far ahead: the held product's units are due, and kept.
  const dryRun = page.getByRole('form', { name: 'Dry run' });
  await dryRun.getByLabel('Day').fill(farDay);
  await dryRun.getByRole('button', { name: 'See what would move' }).click();
  const row = planRow(page, code);
  await expect(row).toBeVisible();
  const cells = row.getByRole('cell');
  // Policy; hot, archived, purged now; to archive, to purge, held on the day.
  await expect(cells.nth(0)).toContainText('Kept 10 years, archived after 3, counted from expiry');
  await expect(cells.nth(0)).toContainText("(the organisation's)");
  await expect(cells.nth(5)).toHaveText('0');
  expect(Number((await cells.nth(6).textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
  await expect(page.getByRole('status').filter({ hasText: farDay })).toContainText('kept by legal holds');

  // Lifting asks why; the dry run on the screen is read again and the product's units would now be purged.
  page.once('dialog', (dialog) => dialog.accept('Case settled'));
  await holds.getByRole('button', { name: `Lift the hold on product ${product}` }).click();
  await expect(holds.getByRole('status')).toHaveText(`The hold on product ${product} is lifted.`);
  await expect(held).toHaveCount(0);
  await expect(cells.nth(6)).toHaveText('0');
  expect(Number((await cells.nth(5).textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
  await holds.getByLabel('Show lifted holds').check();
  await expect(held).toContainText('lifted by admin');
  await expect(held).toContainText('Case settled');
  await expect(held.getByRole('button', { name: /^Lift/ })).toHaveCount(0);

  // A run now: the question says what today's dry run would move (nothing of the demo is due today).
  let question = '';
  page.once('dialog', (dialog) => {
    question = dialog.message();
    dialog.accept();
  });
  const runs = page.getByRole('region', { name: 'Runs' });
  await runs.getByRole('button', { name: 'Run retention now' }).click();
  await expect(runs.getByRole('status')).toHaveText(/A retention run is queued\.|A run is already (queued|running)/);
  expect(question).toContain("Today's dry run: Nothing would move on");
  // The server queues a run of its own each day ("Queued by the server"); the one asked for is the admin's.
  const listed = runs.getByRole('table', { name: 'Retention runs, newest first' }).getByRole('row').filter({
    hasText: 'Queued by admin',
  });
  await expect(listed).toHaveCount(1);
  await expect(listed.getByRole('cell').first()).toHaveText(/Queued|Running|Done/);
  // The list is read again until the run is done: the server looks at its outbox every 30 s by default.
  await expect(listed.getByRole('cell').first()).toHaveText('Done', { timeout: 45_000 });
  await expect(listed.getByRole('cell').nth(1)).toContainText(/started .*, finished /);
});

test('a scanned pack code fills the hold form and its Enter sends nothing half filled', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('quality', 'demo-quality-2026');
  await openRetention(page);
  // Quality places holds but does not set the default or queue runs.
  await expect(page.getByRole('button', { name: 'Save the default' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run retention now' })).toHaveCount(0);

  const form = page.getByRole('form', { name: 'Place a legal hold' });
  await form.getByLabel('One unit, by its serial').check();
  const serial = form.getByLabel('Serial', { exact: true });
  await serial.fill('(01)09520123456788(21)E2E4711');
  await serial.press('Enter');
  await expect(serial).toHaveValue('E2E4711');
  await expect(form.getByLabel('Product', { exact: true })).toHaveValue(/.+/);
  await expect(form.getByLabel('Why (on the audit trail)')).toBeFocused();
  await expect(form.getByRole('alert')).toHaveCount(0);

  // A serial typed by hand stays as it is.
  await serial.fill('A-7');
  await serial.press('Enter');
  await expect(serial).toHaveValue('A-7');
  await expect(form.getByRole('alert')).toHaveCount(0);
});

test('an auditor reads retention and changes nothing', async ({ page }) => {
  const app = new AppPage(page);
  await app.signIn('auditor', 'demo-auditor-2026');
  await page.getByRole('link', { name: 'Administration' }).click();
  // Retention is the auditor's only tab, and opens first.
  await expect(page.getByRole('navigation', { name: 'Settings' }).getByRole('link')).toHaveText(['Retention']);
  await expect(page.getByRole('heading', { name: 'Legal holds' })).toBeVisible();
  await expect(page.getByLabel('Kept for (years; empty: for ever)')).toBeDisabled();
  await expect(page.getByRole('form', { name: 'Place a legal hold' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run retention now' })).toHaveCount(0);
  await page.getByRole('button', { name: 'See what would move' }).click();
  await expect(page.getByRole('status').filter({ hasText: /would move|would archive/ })).toBeVisible();
});
