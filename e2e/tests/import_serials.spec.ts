import { expect, test } from '@playwright/test';
import { PoolActionsPage } from '../pages/pool_actions_page';

const product = 'CM-500';

function file(name: string, text: string) {
  return { name, mimeType: name.endsWith('.csv') ? 'text/csv' : 'text/plain', buffer: Buffer.from(text) };
}

test('a file with bad lines lists every one of them and imports nothing; the fixed file imports', async ({ page }) => {
  const pool = await PoolActionsPage.signIn(page);
  const before = await pool.counts(product);

  const form = await pool.openAction(product, 'Import serials');
  const chooser = form.getByLabel('File of serials (CSV or text, one per line)');
  await chooser.setInputFiles(
    file('serials.csv', 'serial\nIMP-0001\nBAD SERIAL\nIMP-0002\nTHIS-SERIAL-IS-FAR-TOO-LONG\nIMP-0001\n'),
  );

  const problems = form.getByRole('list', { name: 'Problems in the file' }).getByRole('listitem');
  await expect(problems).toHaveCount(3);
  await expect(problems.nth(0)).toContainText('Line 3: “BAD SERIAL”');
  await expect(problems.nth(1)).toContainText('Line 5: “THIS-SERIAL-IS-FAR-TOO-LONG”');
  await expect(problems.nth(2)).toContainText('Line 6: “IMP-0001”: repeats the serial of line 2');
  await expect(form.getByText('3 lines are not valid serials')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Import' })).toBeDisabled();
  await pool.countsText(product, before.available, before.assigned);

  const stamp = Date.now().toString(36).toUpperCase();
  await chooser.setInputFiles(file('serials.txt', `IMP-${stamp}-1\nIMP-${stamp}-2\nIMP-${stamp}-3\n`));
  await expect(form.getByRole('status')).toHaveText('serials.txt: 3 serials, all valid. Import them?');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(form.getByRole('status')).toHaveText('Imported 3 serials.');
  await pool.countsText(product, before.available + 3, before.assigned);

  // The same file again: the server refuses it whole, saying why; nothing changes.
  await chooser.setInputFiles(file('again.txt', `IMP-${stamp}-1\nIMP-${stamp}-4\n`));
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(form.getByRole('alert')).toContainText('Nothing was imported');
  await expect(form.getByRole('alert')).toContainText(`IMP-${stamp}-1`);
  await pool.countsText(product, before.available + 3, before.assigned);
});
