import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium: playwright-core never downloads a browser of its own. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Starts headless Chromium. Each launch gets a new, empty profile directory from Playwright (it
 * refuses `--user-data-dir` in `args` for that reason). Without the background-networking flags
 * Chromium keeps trying to reach Google's hosts, which this machine's closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium); scripts/test-all.sh does it`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
