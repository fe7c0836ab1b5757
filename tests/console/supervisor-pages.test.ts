import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ConsoleRig, DESKTOP, PASSWORD, SCREENSHOT_DIR, launchChromium, openPage } from './console-rig.js';

/** The supervisor's KPI page and the facilities worker's fleet page, on a desktop in Chinese. */
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

  async function signIn(page: Page, login: string): Promise<void> {
    await page.goto(`${rig.url}/sign-in`);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL('**/work');
  }

  it('the KPI page counts a ticket opened since it was last looked at', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const { context, page, hosts } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await signIn(page, supervisor.login);
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

  it("the fleet page lists the estate's gateway for a facilities worker", async () => {
    const facilities = await rig.person('facilities', rig.estateId, null, false);
    const { context, page } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await signIn(page, facilities.login);
      await page.getByRole('link', { name: '网关' }).click();
      await page.waitForURL('**/fleet');
      await page.locator(`[data-gateway-id="${rig.gatewayId}"]`).waitFor();
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'facilities-fleet.png'), fullPage: true });
      expect(await page.locator('[data-gateway-id]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});
