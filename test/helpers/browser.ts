/**
 * Chromium for browser tests, from the system (Debian's `chromium` package) through playwright-core.
 * Never `npx playwright install`: it downloads from outside and fails here.
 */
import fs from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/** The browser binary: LINDUNG_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.LINDUNG_CHROMIUM || '/usr/bin/chromium';
}

export function chromiumAvailable(): boolean {
  try {
    const file = chromiumPath();
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Flags measured to work on these machines (root, no GPU, no outside network). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Starts a headless Chromium. playwright-core gives every launch its own temporary profile
 * (user data dir) and removes it on close, so tests never share cookies or storage.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium not found at ${chromiumPath()}: install it (apt-get install -y chromium) or set LINDUNG_CHROMIUM=/path/to/chromium`,
    );
  }
  return chromium.launch({
    headless: true,
    timeout: 60_000,
    ...options,
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}
