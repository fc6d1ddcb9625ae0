/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * for the web UI tests. Under CI (`CI=true`) a browser that cannot start
 * fails the tests; elsewhere they are skipped with a message.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.PIPELANE_TEST_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser | undefined> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      timeout: 30_000,
    });
  } catch (err) {
    const problem = `Chromium does not start from ${CHROMIUM} (${(err as Error).message.split('\n')[0]}); install it with scripts/install-system-packages.sh (Debian package chromium)`;
    if (process.env.CI === 'true') throw new Error(`a browser is required under CI=true: ${problem}`);
    console.warn(`skipping browser tests: ${problem}`);
    return undefined;
  }
}
