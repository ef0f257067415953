/**
 * The person's side of a step-up authorization in Chromium: already signed
 * in, they land straight on the consent page, which the test reads (what
 * it says, which boxes it offers, what it lists as already allowed) before
 * they press Allow.
 * @see MCP 2025-11-25 authorization (Step-Up Authorization Flow)
 */
import type { Page } from 'playwright-core';
import { saveScreenshot } from './chromium.js';

/** The sentence the consent page shows on a step-up. */
export const STEP_UP_SENTENCE = 'This application is asking for more access than it has.';

/** What the person saw on the step-up consent page. */
export interface StepUpSeen {
  /** The `scope` the client asked for. */
  requested: string | null;
  heading: string;
  sentence: boolean;
  /** Values of the checkboxes offered. */
  boxes: string[];
  /** Scopes listed as already allowed. */
  allowed: string[];
}

/**
 * Opens `url` (the client's authorization request), reads the consent page,
 * saves `<screenshotName>.png`, presses Allow and waits to leave the gateway.
 */
export async function allowStepUpInBrowser(
  page: Page,
  url: URL,
  screenshotName: string,
): Promise<{ landed: URL; seen: StepUpSeen }> {
  const opened = await page.goto(url.href);
  if (opened?.status() !== 200) {
    throw new Error(`the authorization URL answered ${String(opened?.status())}`);
  }
  const step = page.locator('#step-up');
  const boxes = page.getByRole('checkbox');
  const values: string[] = [];
  for (let i = 0; i < (await boxes.count()); i += 1) {
    values.push((await boxes.nth(i).getAttribute('value')) ?? '');
  }
  const seen: StepUpSeen = {
    requested: url.searchParams.get('scope'),
    heading: await page.getByRole('heading', { level: 1 }).innerText(),
    sentence: (await step.count()) === 1 && (await step.innerText()).includes(STEP_UP_SENTENCE),
    boxes: values,
    allowed: await page.locator('ul.granted code').allInnerTexts(),
  };
  await saveScreenshot(page, screenshotName);
  await Promise.all([
    page.waitForURL((next) => next.origin !== url.origin),
    page.getByRole('button', { name: 'Allow', exact: true }).click(),
  ]);
  return { landed: new URL(page.url()), seen };
}
