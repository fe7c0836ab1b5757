import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { ConsoleRig, DESKTOP, PHONE, SCREENSHOT_DIR, launchChromium, openPage, signIn } from './console-rig.js';

const JOURNEYS = [
  { name: 'phone-zh', viewport: PHONE, locale: 'zh-CN', messages: zh },
  { name: 'desktop-en', viewport: DESKTOP, locale: 'en-GB', messages: en },
] as const;

/**
 * The facilities worker in Debian's Chromium against a real cloud, PostgreSQL and Mosquitto: a lift
 * entrapment the gateway raises appears live in their work list (dispatch gives it to facilities on
 * the duty roster), and a gateway whose connection drops shows offline on the fleet page (the
 * broker publishes its last will). No request leaves the console's origin.
 */
describe('the facilities worker in the browser', () => {
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

  it.each(JOURNEYS)('$name: a lift entrapment raised by the gateway appears live in the work list', async ({ name, viewport, locale, messages }) => {
    const facilities = await rig.person('facilities');
    const lift = await rig.lift();
    const { context, page, hosts, errors } = await openPage(browser, viewport, locale);
    try {
      await signIn(page, rig.url, facilities.login, messages);
      await page.locator('body[data-stream=live]').waitFor();
      const alert = await rig.raiseLiftEntrapment(lift.id);
      const card = page.locator('li.ticket.P1');
      await card.locator(`.place:text-is("${lift.name}")`).waitFor();
      expect(await card.locator('.category').textContent()).toBe(messages['category.lift_entrapment']);
      expect(await card.locator('.reason').textContent()).toBe(messages === zh ? alert.reason.zh : alert.reason.en);
      expect(await card.locator('.badge.new').textContent()).toBe(messages['work.new']);
      expect(await card.locator('.due').textContent()).toContain(messages['due.ack']);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `facilities-${name}-lift-entrapment.png`), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it("phone-zh: the fleet page shows a gateway's bus counters and devices offline, then the gateway go offline when the broker publishes its last will", async () => {
    const facilities = await rig.person('facilities', rig.estateId, null, false);
    const { context, page, hosts, errors } = await openPage(browser, PHONE, 'zh-CN');
    try {
      const gateway = await rig.connectFleetGateway();
      await signIn(page, rig.url, facilities.login);
      await page.getByRole('link', { name: zh['nav.fleet'] }).click();
      await page.waitForURL('**/fleet');
      // The page asks again every few seconds: the online status reaches the cloud, then the will.
      const card = page.locator(`[data-gateway-id="${rig.fleetGatewayId}"]`);
      await card.and(page.locator('[data-uplink=online]')).waitFor({ timeout: 20_000 });
      expect(await card.locator('.uplink').textContent()).toBe(zh['fleet.online']);
      // Its bus counters and the device it reports offline, from the status.
      const bus = card.locator('tr[data-bus-id="rs485-1"]');
      expect(await bus.locator('.timeouts').textContent()).toBe('3');
      expect(await bus.locator('.timeouts').getAttribute('data-warn')).toBe('true');
      expect(await bus.locator('.checksum_errors').getAttribute('data-warn')).toBe('false');
      expect(await card.locator('.facts').textContent()).toContain('meter-9');
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'facilities-phone-zh-fleet-online.png'), fullPage: true });
      gateway.cut();
      await card.and(page.locator('[data-uplink=offline]')).waitFor({ timeout: 20_000 });
      expect(await card.locator('.uplink').textContent()).toBe(zh['fleet.offline']);
      expect(await card.locator('.reason').textContent()).toBe(zh['fleet.reason.connection_lost']);
      expect(await page.locator(`[data-gateway-id="${rig.gatewayId}"]`).count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'facilities-phone-zh-fleet-offline.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it("desktop-en: a gateway's devices with their newest data and availability, and a lift monitor's readings over the day as a chart", async () => {
    const facilities = await rig.person('facilities', rig.estateId, null, false);
    const deviceId = await rig.liftMonitorReporting([0, 1.6, 1.6, 0.2, 0]);
    const { context, page, hosts, errors } = await openPage(browser, DESKTOP, 'en-GB');
    try {
      await signIn(page, rig.url, facilities.login, en);
      await page.goto(`${rig.url}/fleet`);
      await page.locator(`[data-gateway-id="${rig.gatewayId}"] [data-action=devices]`).click();
      const device = page.locator(`#gateway-detail li[data-device-id="${deviceId}"]`);
      await device.waitFor();
      expect(await device.locator('.times').textContent()).toMatch(/^newest data /);
      await device.locator('[data-action=readings]').click();
      const chart = device.locator('figure.evidence-chart[data-point="car_speed"]');
      await chart.waitFor();
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
      expect(await chart.locator('polyline.mean').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'facilities-desktop-en-device-readings.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
