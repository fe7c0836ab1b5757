import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ConsoleRig, DESKTOP, SCREENSHOT_DIR, launchChromium, openPage, signIn } from './console-rig.js';

/** The supervisor's KPI page, on a desktop in Chinese. */
describe('the supervisor and facilities pages in the browser', () => {
  let rig: ConsoleRig;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    rig = await ConsoleRig.start();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  it('the KPI page counts a ticket opened since it was last looked at', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const { context, page, hosts } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await signIn(page, rig.url, supervisor.login);
      await page.goto(`${rig.url}/kpis`);
      const opened = page.locator(`#opened-${rig.estateId}`);
      const before = Number(await opened.textContent());
      const flat = await rig.careFlat();
      await rig.raiseCareVisit(flat.unitId);
      await page.reload();
      await page.locator(`#opened-${rig.estateId}:text-is("${before + 1}")`).waitFor();
      expect(await page.locator('figure.chart').count()).toBe(4);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'supervisor-kpis.png'), fullPage: true });
      expect([...hosts]).toEqual([new URL(rig.url).host]);
    } finally {
      await context.close();
    }
  });
});
