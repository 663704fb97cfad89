import { expect, test } from '@playwright/test';
import { ScanPage } from '../pages/scan_page';

const GS = '\u001d';

test('a scanned DataMatrix string shows each element with its meaning', async ({ page }) => {
  const scan = new ScanPage(page);
  await scan.open();
  await scan.scan(`]d201095060001343522110ABC${GS}10LOT-7${GS}17271231`);
  await expect(scan.elements).toBeVisible();
  await expect(scan.row('01')).toContainText('09506000134352');
  await expect(scan.row('01')).toContainText('GTIN');
  await expect(scan.row('21')).toContainText('10ABC');
  await expect(scan.row('10')).toContainText('LOT-7');
  await expect(scan.row('17')).toContainText('271231');
});

test('a typed human-readable code with a wrong check digit is explained', async ({ page }) => {
  const scan = new ScanPage(page);
  await scan.open();
  await scan.scan('(01)09506000134353(21)X1');
  await expect(scan.error).toContainText('check digit');
  await expect(scan.elements).toHaveCount(0);
});

test('a scanner set to send | for GS is understood once the setting says so', async ({ page }) => {
  const scan = new ScanPage(page);
  await scan.open();
  await scan.separator.selectOption({ label: '| (pipe)' });
  await scan.scan('0109506000134352211234|10L1');
  await expect(scan.row('21')).toContainText('1234');
  await expect(scan.row('10')).toContainText('L1');
});

test('a Digital Link pasted into the box is parsed', async ({ page }) => {
  const scan = new ScanPage(page);
  await scan.open();
  await scan.scanBox.fill('https://id.example.com/01/09506000134352/10/LOT1/21/S%2F1?17=280131');
  await expect(scan.row('21')).toContainText('S/1');
  await expect(scan.row('17')).toContainText('280131');
});
