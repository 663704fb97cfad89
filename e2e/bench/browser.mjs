// The headless Chromium every bench script drives: Debian's, without the background traffic a closed
// network would stall on.
import { chromium } from '@playwright/test';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
