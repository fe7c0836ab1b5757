import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { RobotReceiver } from '../notifications/robot-receiver.js';
import { ConsoleRig, DESKTOP, PHONE, SCREENSHOT_DIR, launchChromium, openPage, signIn } from './console-rig.js';

const JOURNEYS = [
  { name: 'phone-en', viewport: PHONE, locale: 'en-GB', messages: en },
  { name: 'desktop-zh', viewport: DESKTOP, locale: 'zh-CN', messages: zh },
] as const;

/**
 * An estate's administrator on the settings page in Debian's Chromium, against a real cloud and a
 * local receiver playing the estate's work-order system (the only fake, at the wire): a test message
 * to a working webhook arrives there and is logged as sent; one to a webhook that answers 500 says
 * so and is logged as failed. No request from the browser leaves the console's origin.
 */
describe('the administrator sends test messages in the browser', () => {
  let rig: ConsoleRig;
  let browser: Browser;
  let receiver: RobotReceiver;

  beforeAll(async () => {
    browser = await launchChromium();
    [rig, receiver] = await Promise.all([ConsoleRig.start(), RobotReceiver.start()]);
    receiver.answer((request) => (request.url.pathname === '/broken' ? { status: 500, body: { message: 'down for maintenance' } } : { status: 200, body: {} }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await rig?.stop();
  });

  it.each(JOURNEYS)('$name: a test message goes out from the settings page and the delivery log shows how it went', async ({ name, viewport, locale, messages }) => {
    const admin = await rig.person('admin');
    const cookie = await rig.sessionCookie(admin.login);
    const addChannel = async (channelName: string, path: string): Promise<string> => {
      const response = await fetch(`${rig.url}/api/v1/estates/${rig.estateId}/notification-channels`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'webhook', name: channelName, url: receiver.url(path) }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { channel: { id: string } }).channel.id;
    };
    const working = await addChannel(`Work orders ${name}`, `/hooks/${name}`);
    const broken = await addChannel(`Broken ${name}`, '/broken');

    const { context, page, hosts, errors } = await openPage(browser, viewport, locale);
    try {
      await signIn(page, rig.url, admin.login, messages);
      await page.getByRole('link', { name: messages['nav.settings'] }).click();
      await page.waitForURL('**/settings');
      const log = page.locator(`#deliveries-${rig.estateId}`);
      await log.locator('h2').waitFor();

      const arrived = receiver.nextRequest();
      await page.locator(`[data-channel-id="${working}"] [data-action=test]`).click();
      expect((await arrived).url.pathname).toBe(`/hooks/${name}`);
      await page.locator(`[data-channel-id="${working}"] .result:text-is("${messages['settings.test_sent']}")`).waitFor();
      // A channel test's own entry: the estate's daily digest, sent from 08:00 local time on the wall
      // clock, goes to every channel of a new estate and may sit in the log beside it.
      const channelTestEntry = (channelName: string) =>
        log
          .locator('li.delivery', { hasText: channelName })
          .filter({ has: page.locator(`.purpose:text-is("${messages['purpose.channel_test']}")`) });
      const sent = channelTestEntry(`Work orders ${name}`);
      await sent.waitFor();
      expect(await sent.getAttribute('data-status')).toBe('sent');
      expect(await sent.locator('.purpose').textContent()).toBe(messages['purpose.channel_test']);
      expect(await sent.locator('.status').textContent()).toBe(messages['delivery.sent']);

      await page.locator(`[data-channel-id="${broken}"] [data-action=test]`).click();
      const failure = page.locator(`[data-channel-id="${broken}"] .result`);
      await failure.and(page.locator('[data-classification]')).waitFor();
      expect(await failure.getAttribute('data-classification')).not.toBe('ok');
      const failed = channelTestEntry(`Broken ${name}`);
      await failed.waitFor();
      // A test is never retried: a refused one is a dead letter at once.
      expect(await failed.getAttribute('data-status')).toBe('dead');
      expect(await failed.locator('.status').textContent()).toBe(messages['delivery.dead']);
      expect(await failed.locator('.error').textContent()).toContain('500');
      await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-${name}-settings.png`), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it("phone-zh: an estate manager tightens the lift entrapment's arrival limit and a care visit's escalation; only what differs from the defaults is saved", async () => {
    const manager = await rig.person('estate_manager', rig.estateId, null, false);
    const { context, page, hosts, errors } = await openPage(browser, PHONE, 'zh-CN');
    try {
      await signIn(page, rig.url, manager.login);
      await page.getByRole('link', { name: zh['nav.settings'] }).click();
      await page.waitForURL('**/settings');
      const editor = page.locator(`#policy-${rig.estateId}`);
      const lift = editor.locator('fieldset[data-category="lift_entrapment"]');
      expect(await lift.locator('input[name=on_site_within_minutes]').inputValue()).toBe('30');
      // Urgent work is never pooled: no grab-pool field for it.
      expect(await lift.locator('input[name=pool_minutes]').count()).toBe(0);
      await lift.locator('input[name=on_site_within_minutes]').fill('15');
      const care = editor.locator('fieldset[data-category="care_visit"]');
      await care.locator('summary').click();
      const managerStep = care.locator('[data-chain="ack"] tbody tr').nth(1);
      await managerStep.locator('input[name=after_minutes]').fill('10');
      await editor.locator('form.policy button[type=submit]').click();
      await editor.locator(`p[role=status]:text-is("${zh['policy.saved']}")`).waitFor();
      await editor.locator('form.policy[data-version="1"]').waitFor();
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings-phone-zh-policy.png'), fullPage: true });

      const cookie = await rig.sessionCookie(manager.login);
      const policy = (await (await fetch(`${rig.url}/api/v1/estates/${rig.estateId}/dispatch-policy`, { headers: { cookie } })).json()) as { changes: unknown };
      expect(policy.changes).toEqual({
        lift_entrapment: { on_site_within_minutes: 15 },
        care_visit: {
          escalation: {
            ack: [
              { notify: 'supervisor', after_minutes: 0, renotify_every_minutes: 10 },
              { notify: 'estate_manager', after_minutes: 10, renotify_every_minutes: 30 },
              { notify: 'emergency_contact', after_minutes: 30, renotify_every_minutes: null },
            ],
          },
        },
      });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
