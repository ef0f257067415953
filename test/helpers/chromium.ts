/**
 * Real Chromium for the end-to-end suites: Debian's `/usr/bin/chromium`
 * driven by playwright-core (never `playwright install`; see
 * scripts/ensure-chromium.sh), a person's steps through the login and
 * consent pages found by label and role, and screenshots. The servers a
 * browser suite also needs are in loopback-servers.ts; the suite lifecycle
 * in suite-resources.ts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

/**
 * Headless, and quiet: no update checks, sync or QUIC probes, so the only
 * traffic is what the test sends to 127.0.0.1.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Git-ignored (`test-artifacts/`). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');

/** Launches headless Chromium; a missing binary points at the script that installs it. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: [...CHROMIUM_ARGS] });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not start ${CHROMIUM_EXECUTABLE} (run scripts/ensure-chromium.sh): ${why}`,
      { cause: error },
    );
  }
}

/** Saves a full-page screenshot as `test-artifacts/screenshots/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface ConsentInBrowserOptions {
  username: string;
  password: string;
  /** Scope values (e.g. `jira:write`) whose box the person unticks before deciding. */
  untick?: readonly string[];
  /** Default `approve`. */
  decision?: 'approve' | 'deny';
  /** Saves `<name>-login.png` and `<name>-consent.png`. */
  screenshotName?: string;
  /** Looks at the consent page (what the person reads) before the decision. */
  onConsentPage?: (page: Page) => Promise<void>;
}

/** The consent page's heading, e.g. `Allow “Claude” to use your Jira?`. */
export const CONSENT_HEADING = /^Allow “.+” to use your Jira\?$/;

/**
 * Does what a person does after the client opens the authorization URL:
 * reads the sign-in page, fills Username and Password, presses Sign in, reads
 * the consent page, unticks what they do not want, presses Allow (or Deny),
 * and lands on the client's redirect URI. Returns the URL landed on.
 * @see draft-ietf-oauth-v2-1-13 §4.1.1 (the user authenticates and decides), §4.1.2
 */
export async function consentInBrowser(
  page: Page,
  authorizationUrl: string,
  options: ConsentInBrowserOptions,
): Promise<URL> {
  const gatewayOrigin = new URL(authorizationUrl).origin;
  const opened = await page.goto(authorizationUrl);
  if (opened?.status() !== 200) {
    throw new Error(
      `the authorization URL answered ${String(opened?.status())}: ${await page.innerText('body')}`,
    );
  }
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Username').fill(options.username);
  await page.getByLabel('Password').fill(options.password);
  if (options.screenshotName !== undefined)
    await saveScreenshot(page, `${options.screenshotName}-login`);
  // Whatever the outcome (consent page, wrong password, refusal), a new document commits.
  const committed = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await committed;
  await page.waitForLoadState();
  const heading = await page.getByRole('heading', { level: 1 }).innerText();
  if (!CONSENT_HEADING.test(heading)) {
    throw new Error(
      `expected the consent page after signing in, got: ${await page.innerText('main')}`,
    );
  }

  for (const scope of options.untick ?? []) {
    const box = page.getByRole('checkbox', { name: scope });
    if (!(await box.isChecked())) throw new Error(`the ${scope} box was not ticked`);
    await box.uncheck();
  }
  await options.onConsentPage?.(page);
  if (options.screenshotName !== undefined)
    await saveScreenshot(page, `${options.screenshotName}-consent`);

  const button = page.getByRole('button', {
    name: options.decision === 'deny' ? 'Deny' : 'Allow',
    exact: true,
  });
  await Promise.all([page.waitForURL((url) => url.origin !== gatewayOrigin), button.click()]);
  return new URL(page.url());
}

/**
 * The focused control, as `#id`, or `name=value` for a control without an id
 * (the consent buttons: `decision=approve`); `none` when nothing is focused.
 * @see WCAG 2.2 SC 2.1.1 (keyboard), SC 2.4.3 (focus order)
 */
export async function focusedElement(page: Page): Promise<string> {
  const focused = page.locator('*:focus');
  if ((await focused.count()) === 0) return 'none';
  const id = await focused.getAttribute('id');
  if (id !== null) return `#${id}`;
  return `${(await focused.getAttribute('name')) ?? '?'}=${(await focused.getAttribute('value')) ?? ''}`;
}

/**
 * Every visible input of the page, by id, with the text of the `<label for>` that names it.
 * @see WCAG 2.2 SC 1.3.1 (info and relationships), SC 3.3.2 (labels or instructions)
 */
export async function labelledControls(
  page: Page,
): Promise<{ control: string; labels: string[] }[]> {
  const controls = [];
  for (const input of await page.locator('input:not([type=hidden])').all()) {
    const id = (await input.getAttribute('id')) ?? '';
    const labels = await page.locator(`label[for="${id}"]`).allTextContents();
    controls.push({ control: id, labels: labels.map((text) => text.trim()) });
  }
  return controls;
}
