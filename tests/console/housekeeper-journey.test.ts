import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { ConsoleRig, DESKTOP, PASSWORD, PHONE, SCREENSHOT_DIR, launchChromium, openPage } from './console-rig.js';

const JOURNEYS = [
  { name: 'phone-zh', viewport: PHONE, locale: 'zh-CN', messages: zh },
  { name: 'phone-en', viewport: PHONE, locale: 'en-GB', messages: en },
  { name: 'desktop-zh', viewport: DESKTOP, locale: 'zh-CN', messages: zh },
  { name: 'desktop-en', viewport: DESKTOP, locale: 'en-GB', messages: en },
] as const;

/**
 * A housekeeper's whole visit in Debian's Chromium against a real cloud (PostgreSQL, Mosquitto, the
 * gateway publishing the alert): sign in, the care ticket appears live, open it, reveal the
 * emergency contact's number (audited), accept, arrive, resolve. At phone and desktop sizes, in
 * Chinese and (through the page's own switch) in English; no request leaves the console's origin.
 */
describe('the housekeeper in the browser', () => {
  let rig: ConsoleRig;
  let browser: Browser;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    rig = await ConsoleRig.start();
  }, 120_000);

  afterAll(async () => {
    writeFileSync(join(SCREENSHOT_DIR, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    await browser?.close();
    await rig?.stop();
  });

  it.each(JOURNEYS)('$name: signs in, sees and hears a care visit arrive live, turns the sound off, reveals a number, accepts, arrives and resolves', async ({ name, viewport, locale, messages }) => {
    const flat = await rig.careFlat();
    const housekeeper = await rig.person('housekeeper', rig.estateId, [flat.buildingId]);
    const { context, page, hosts, errors } = await openPage(browser, viewport, locale);
    const shot = (step: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${step}.png`), fullPage: true });
    try {
      await page.goto(`${rig.url}/`);
      await page.waitForURL('**/sign-in');
      if (messages === en) {
        await page.getByRole('link', { name: zh['nav.language'] }).click();
        await page.waitForURL('**/sign-in');
      }
      await expect(page.locator('h1').textContent()).resolves.toBe(messages['sign_in.title']);
      await page.locator('input[name=login]').fill(housekeeper.login);
      await page.locator('input[name=password]').fill(PASSWORD);
      await shot('1-sign-in');
      await page.locator('button[type=submit]').click();
      await page.waitForURL('**/work');
      await page.locator('body[data-stream=live]').waitFor();
      await expect(page.locator('#work-empty').isVisible()).resolves.toBe(true);
      // Headless Chromium lets the page play without a tap, as a phone does once the page has been touched.
      await page.locator('#sound[data-sound="on"]').waitFor();

      const raisedAt = performance.now();
      const alert = await rig.raiseCareVisit(flat.unitId);
      const card = page.locator('li.ticket').first();
      await card.waitFor();
      const alertToCardMs = Math.round(performance.now() - raisedAt);
      figures[`${name}: alert published to its card on the page, ms`] = alertToCardMs;
      await page.locator('body[data-chimes="1"]').waitFor();
      // The place's name follows the card once the estate's units have loaded.
      await card.locator(`.place:text-is("${flat.label}")`).waitFor();
      expect(await card.locator('.category').textContent()).toBe(messages['category.care_visit']);
      expect(await card.locator('.reason').textContent()).toBe(messages === zh ? alert.reason.zh : alert.reason.en);
      await shot('2-work-card');
      // Turned off, the choice holds on this phone.
      await page.locator('#sound').click();
      await page.locator(`#sound[data-sound="off"]:text-is("${messages['work.sound_off']}")`).waitFor();
      await expect(page.evaluate('localStorage.getItem("estatecare.sound")')).resolves.toBe('off');

      await card.locator('a').click();
      await page.waitForURL('**/tickets/*');
      const ticketId = page.url().split('/').pop()!;
      await page.locator(`#ticket-status:text-is("${messages['status.assigned']}")`).waitFor();
      const reveal = page.locator('[data-reveal]');
      await reveal.waitFor();
      expect(await page.locator('#contacts .phone').textContent()).not.toContain('13812345678');
      await reveal.click();
      await page.locator('#contacts .phone a[href="tel:13812345678"]').waitFor();
      const { rows } = await rig.cloud.database.query<{ purpose: string }>(
        "SELECT purpose FROM audit_log WHERE action = 'contact_phone_revealed' AND actor_id = $1 AND unit_id = $2",
        [housekeeper.id, flat.unitId],
      );
      expect(rows).toEqual([{ purpose: 'emergency' }]);
      await shot('3-ticket-revealed');

      await page.locator('[data-action=ack]').click();
      await page.locator(`#ticket-status:text-is("${messages['status.acknowledged']}")`).waitFor();
      await page.locator('[data-action=on-site]').click();
      await page.locator(`#ticket-status:text-is("${messages['status.on_site']}")`).waitFor();
      await page.locator('#outcome').selectOption('resident_well');
      await page.locator('#note').fill('checked, all well');
      await page.locator('[data-action=resolve]').click();
      // Resolved, or closed at once where the category has no follow-up call.
      await page.locator('#ticket-status').filter({ hasText: new RegExp(`^(${messages['status.resolved']}|${messages['status.closed']})$`) }).waitFor();
      expect(await page.locator('[data-action]').count()).toBe(0);
      expect(await page.locator('#audit li').allTextContents()).toEqual(
        expect.arrayContaining([expect.stringContaining(messages['audit.acknowledged']), expect.stringContaining(messages['audit.on_site']), expect.stringContaining(messages['audit.resolved'])]),
      );
      await shot('4-ticket-resolved');

      const api = (await page.evaluate(async (id) => (await fetch(`/api/v1/tickets/${id}`)).json(), ticketId)) as { ticket: unknown };
      expect(api.ticket).toMatchObject({ outcome_code: 'resident_well', acknowledged_by: `staff:${housekeeper.id}` });

      await page.goto(`${rig.url}/work`);
      await page.locator('body[data-stream=live]').waitFor();
      await expect(page.locator('li.ticket').count()).resolves.toBe(0);
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
