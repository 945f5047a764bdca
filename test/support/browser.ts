import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless and quiet (no background fetches): never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Follows a main-navigation link as a person would: on a phone the links sit behind the menu button first. */
export async function followNavLink(page: Page, name: string): Promise<void> {
  const link = page.locator('[data-nav-menu]').getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await page.locator('[data-nav-menu] > summary').click();
  await link.click();
}
