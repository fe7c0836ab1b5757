import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { eventually } from '../support/net.js';
import { ConsoleRig, DESKTOP, PHONE, SCREENSHOT_DIR, launchChromium, openPage, signIn } from './console-rig.js';

const JOURNEYS = [
  { name: 'desktop-en-supervisor', role: 'supervisor', viewport: DESKTOP, locale: 'en-GB', messages: en },
  { name: 'phone-zh-estate-manager', role: 'estate_manager', viewport: PHONE, locale: 'zh-CN', messages: zh },
] as const;

/**
 * Households in care, for a supervisor and an estate manager in Debian's Chromium against a real
 * cloud and PostgreSQL: the list, one household's carers, masked contacts and away periods, and an
 * away period added against the record's version (If-Match), in the estate's own time zone. Every
 * read is audited with the purpose "supervision". No request leaves the console's origin.
 */
describe('households in care in the browser', () => {
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

  it.each(JOURNEYS)('$name: lists households, opens one and records an away period', async ({ name, role, viewport, locale, messages }) => {
    const person = await rig.person(role, rig.estateId, null, false);
    const flat = await rig.careFlat();
    const cookie = await rig.sessionCookie(person.login);
    const household = `${rig.url}/api/v1/estates/${rig.estateId}/households/${flat.unitId}`;
    const carer = await fetch(`${household}/carers`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'if-match': '"2"' },
      body: JSON.stringify({ name: '王阿姨', kind: 'carer', visits: [{ weekdays: [1, 3, 5], from: '09:00', to: '11:00' }] }),
    });
    expect(carer.status).toBe(201);

    const { context, page, hosts, errors } = await openPage(browser, viewport, locale);
    try {
      await signIn(page, rig.url, person.login, messages);
      await page.getByRole('link', { name: messages['nav.households'] }).click();
      await page.waitForURL('**/households');
      const row = page.locator(`#households-${rig.estateId} li[data-unit-id="${flat.unitId}"]`);
      expect(await row.locator('.enrolled').textContent()).toBe(messages['households.enrolled']);
      await row.getByRole('link', { name: flat.label }).click();
      await page.waitForURL(`**/households/${rig.estateId}/${flat.unitId}`);

      await page.locator('#household-label').waitFor();
      expect(await page.locator('#carers li').textContent()).toContain('王阿姨');
      expect(await page.locator('#carers .visits').textContent()).toContain('09:00–11:00');
      const contact = await page.locator('#household-contacts li').textContent();
      expect(contact).toContain('李明');
      expect(contact).not.toContain('12345678');
      expect(await page.locator('#away-periods').count()).toBe(0);

      // 10 to 12 December, 09:00 in the estate (Asia/Shanghai, UTC+8), whatever the browser's zone.
      await page.locator('#add-away input[name=from]').fill('2026-12-10T09:00');
      await page.locator('#add-away input[name=to]').fill('2026-12-12T18:00');
      await page.locator('#add-away select[name=reason]').selectOption('hospital');
      await page.locator('#add-away button[type=submit]').click();
      await page.locator(`#household-notice:text-is("${messages['household.away_added']}")`).waitFor();
      const away = page.locator('#away-periods li');
      await away.waitFor();
      expect(await away.locator('.reason').textContent()).toBe(messages['away.hospital']);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `households-${name}.png`), fullPage: true });

      const record = (await (await fetch(`${household}?purpose=supervision`, { headers: { cookie } })).json()) as { version: number; away_periods: unknown[] };
      expect(record.away_periods).toEqual([expect.objectContaining({ from: '2026-12-10T01:00:00.000Z', to: '2026-12-12T10:00:00.000Z', reason: 'hospital' })]);
      expect(record.version).toBe(4);
      const { rows } = await rig.cloud.database.query<{ purpose: string }>('SELECT DISTINCT purpose FROM audit_log WHERE actor_id = $1 AND unit_id = $2 AND purpose IS NOT NULL', [person.id, flat.unitId]);
      expect(rows).toEqual([{ purpose: 'supervision' }]);
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it('desktop-zh: an away period sent against a version someone else has moved on says so and reloads the record', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const flat = await rig.careFlat();
    const cookie = await rig.sessionCookie(supervisor.login);
    const { context, page } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await signIn(page, rig.url, supervisor.login);
      await page.goto(`${rig.url}/households/${rig.estateId}/${flat.unitId}`);
      await page.locator('section[data-version="2"]').waitFor();
      // Another supervisor records a trip while this page still shows version 2.
      const other = await fetch(`${rig.url}/api/v1/estates/${rig.estateId}/households/${flat.unitId}/away-periods`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'if-match': '"2"' },
        body: JSON.stringify({ from: '2026-12-20T00:00:00.000Z', to: '2026-12-21T00:00:00.000Z', reason: 'travel' }),
      });
      expect(other.status).toBe(201);
      await page.locator('#add-away input[name=from]').fill('2026-12-10T09:00');
      await page.locator('#add-away input[name=to]').fill('2026-12-12T18:00');
      await page.locator('#add-away button[type=submit]').click();
      await page.locator(`#household-notice:text-is("${zh['household.changed']}")`).waitFor();
      await page.locator('section[data-version="3"]').waitFor();
      await expect(page.locator('#away-periods li').count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  });

  it('phone-zh: a supervisor enrols a household with its consent, sees the gateway take the config that carries it, then withdraws the consent', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const flat = await rig.flat();
    const cookie = await rig.sessionCookie(supervisor.login);
    const household = `${rig.url}/api/v1/estates/${rig.estateId}/households/${flat.unitId}`;
    const { context, page, hosts, errors } = await openPage(browser, PHONE, 'zh-CN');
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await signIn(page, rig.url, supervisor.login);
      await page.goto(`${rig.url}/households`);
      const form = page.locator(`#enrol-${rig.estateId}`);
      await form.locator('select[name=unit_id]').selectOption(flat.unitId);
      await form.locator('input[name=document_ref]').fill('CF-2026-0099');
      await form.locator('button[type=submit]').click();
      await page.waitForURL(`**/households/${rig.estateId}/${flat.unitId}`);
      await page.locator('#withdraw-consent').waitFor();
      const gateway = page.locator(`#config-delivery li[data-gateway-id="${rig.gatewayId}"]`);
      expect(await gateway.locator('.delivery-state').textContent()).toBe(zh['delivery_state.sent']);

      const enrolled = (await (await fetch(`${household}?purpose=supervision`, { headers: { cookie } })).json()) as {
        consent: { given_by: string; scope: string; document_ref: string; withdrawn_at: string | null };
        config_delivery: Array<{ config_version: number }>;
      };
      expect(enrolled.consent).toMatchObject({ given_by: zh['consent.default_given_by'], scope: zh['consent.default_scope'], document_ref: 'CF-2026-0099', withdrawn_at: null });
      await rig.reportConfigVersion(enrolled.config_delivery[0]!.config_version);
      await eventually('the gateway reported running the config', async () => {
        const record = (await (await fetch(`${household}?purpose=supervision`, { headers: { cookie } })).json()) as { config_delivery: Array<{ running: boolean }> };
        return record.config_delivery[0]!.running || undefined;
      });
      await page.reload();
      await page.locator(`#config-delivery li[data-running="true"] .delivery-state:text-is("${zh['delivery_state.running']}")`).waitFor();
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'households-phone-zh-enrolled.png'), fullPage: true });

      await page.locator('#withdraw-consent button[type=submit]').click();
      await page.locator(`#household-notice:text-is("${zh['consent.withdrawn']}")`).waitFor();
      await page.locator('#consent-withdrawn-at').waitFor();
      await page.locator('#record-consent').waitFor();
      const withdrawn = (await (await fetch(`${household}?purpose=supervision`, { headers: { cookie } })).json()) as { consent: unknown; consents: Array<{ withdrawn_at: string | null }> };
      expect(withdrawn.consent).toBeNull();
      expect(withdrawn.consents.map((consent) => consent.withdrawn_at === null)).toEqual([false]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'households-phone-zh-withdrawn.png'), fullPage: true });
      await page.goto(`${rig.url}/households`);
      expect(await page.locator(`#households-${rig.estateId} li[data-unit-id="${flat.unitId}"] .enrolled`).textContent()).toBe(zh['households.not_enrolled']);
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it('desktop-en: a supervisor adds a carer with her visiting window and an emergency contact, then removes the contact', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const flat = await rig.careFlat();
    const cookie = await rig.sessionCookie(supervisor.login);
    const household = `${rig.url}/api/v1/estates/${rig.estateId}/households/${flat.unitId}`;
    const { context, page, hosts, errors } = await openPage(browser, DESKTOP, 'en-GB');
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await signIn(page, rig.url, supervisor.login, en);
      await page.goto(`${rig.url}/households/${rig.estateId}/${flat.unitId}`);
      const carer = page.locator('#add-carer');
      await carer.locator('input[name=name]').fill('Ms Zhou');
      await carer.locator('select[name=kind]').selectOption('carer');
      for (const day of ['2', '4']) await carer.locator(`input[name=weekday][value="${day}"]`).check();
      await carer.locator('input[name=from]').fill('14:00');
      await carer.locator('input[name=to]').fill('16:00');
      await carer.locator('button[type=submit]').click();
      await page.locator(`#household-notice:text-is("${en['household.carer_added']}")`).waitFor();
      await page.locator('#carers li:has-text("Ms Zhou")').waitFor();

      const contact = page.locator('#add-contact');
      await contact.locator('input[name=name]').fill('Zhang Wei');
      await contact.locator('input[name=relationship]').fill('nephew');
      await contact.locator('input[name=phone]').fill('139 0000 1111');
      await contact.locator('button[type=submit]').click();
      await page.locator(`#household-notice:text-is("${en['household.contact_added']}")`).waitFor();
      const added = page.locator('#household-contacts li:has-text("Zhang Wei")');
      await added.waitFor();
      expect(await added.textContent()).not.toContain('00001111');

      const record = async () =>
        (await (await fetch(`${household}?purpose=supervision`, { headers: { cookie } })).json()) as {
          carers: Array<{ name: string; kind: string; visits: Array<{ weekdays: number[]; from: string; to: string }> }>;
          contacts: Array<{ id: string; name: string }>;
        };
      const withBoth = await record();
      expect(withBoth.carers).toEqual([expect.objectContaining({ name: 'Ms Zhou', kind: 'carer', visits: [expect.objectContaining({ weekdays: [2, 4], from: '14:00', to: '16:00' })] })]);
      const nephew = withBoth.contacts.find((entry) => entry.name === 'Zhang Wei')!;
      await page.locator(`#household-contacts li[data-contact-id="${nephew.id}"] [data-remove]`).click();
      await page.locator(`#household-notice:text-is("${en['household.removed']}")`).waitFor();
      await expect(page.locator(`#household-contacts li[data-contact-id="${nephew.id}"]`).count()).resolves.toBe(0);
      expect((await record()).contacts.map((entry) => entry.name)).toEqual(['李明']);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'households-desktop-en-carers-contacts.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
