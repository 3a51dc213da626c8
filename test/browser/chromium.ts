import { Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless: the machine has no internet, so Playwright never downloads a
 * browser. CHROMIUM_PATH points elsewhere when needed.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
}
