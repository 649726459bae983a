// Headless Debian Chromium for the browser tests: one place for its path, its flags (no network
// of its own: loopback pages only) and the skip message when it is not installed.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = 'artifacts/screenshots';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is there; logs why `what` is skipped when it is not. */
export function chromiumAvailable(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`[skipped] ${what}: ${CHROMIUM} is not installed (CI installs it)`);
  return present;
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
