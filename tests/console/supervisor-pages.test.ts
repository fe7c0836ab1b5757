import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { ConsoleRig, DESKTOP, PHONE, SCREENSHOT_DIR, launchChromium, openPage, signIn } from './console-rig.js';

/** The supervisor's pages in Debian's Chromium against a real cloud: KPIs, open and overdue tickets, the duty roster. */
describe("the supervisor's pages in the browser", () => {
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
    const { context, page, hosts, errors } = await openPage(browser, DESKTOP, 'zh-CN');
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
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  /** The ticket the gateway's care visit for this unit opened, as the API answers it to the cookie's owner. */
  async function ticketOf(cookie: string, unitId: string): Promise<{ id: string }> {
    const response = await fetch(`${rig.url}/api/v1/tickets?estate_id=${rig.estateId}&type=care_visit`, { headers: { cookie } });
    const { tickets } = (await response.json()) as { tickets: Array<{ id: string; subject: { id: string } }> };
    return tickets.find((ticket) => ticket.subject.id === unitId)!;
  }

  it('desktop-zh: open tickets, split into overdue and within time by the deadline each is racing', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const [accepted, waiting] = [await rig.careFlat(), await rig.careFlat()];
    const housekeeper = await rig.person('housekeeper', rig.estateId, [accepted.buildingId, waiting.buildingId]);
    await rig.raiseCareVisit(accepted.unitId);
    await rig.raiseCareVisit(waiting.unitId);
    const housekeeperCookie = await rig.sessionCookie(housekeeper.login);
    const acceptedTicket = await ticketOf(housekeeperCookie, accepted.unitId);
    const waitingTicket = await ticketOf(housekeeperCookie, waiting.unitId);
    const ack = await fetch(`${rig.url}/api/v1/tickets/${acceptedTicket.id}/ack`, { method: 'POST', headers: { cookie: housekeeperCookie } });
    expect(ack.status).toBe(200);

    const { context, page, hosts, errors } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await signIn(page, rig.url, supervisor.login);
      await page.getByRole('link', { name: zh['nav.open_tickets'] }).click();
      await page.waitForURL('**/open-tickets');
      const inTime = page.locator(`#in-time-${rig.estateId}`);
      await inTime.locator(`[data-ticket-id="${waitingTicket.id}"]`).waitFor();
      await inTime.locator(`[data-ticket-id="${acceptedTicket.id}"]`).waitFor();
      await expect(page.locator(`#overdue-${rig.estateId}`).count()).resolves.toBe(0);

      // Twenty minutes on in the browser: past a care visit's 15 min to accept, within its 2 h to arrive.
      await page.clock.setFixedTime(Date.now() + 20 * 60_000);
      await page.reload();
      const overdue = page.locator(`#overdue-${rig.estateId}`);
      const late = overdue.locator(`[data-ticket-id="${waitingTicket.id}"]`);
      await late.waitFor();
      const overdueText = zh['work.overdue'].replace('{what}', zh['due.ack']).split('{time}')[0]!;
      expect(await late.locator('.due').textContent()).toMatch(new RegExp(`^${overdueText}`));
      await page.locator(`#in-time-${rig.estateId} [data-ticket-id="${acceptedTicket.id}"]`).waitFor();
      // Every care visit of this estate was opened minutes ago: overdue now are exactly those not yet accepted.
      const supervisorCookie = await rig.sessionCookie(supervisor.login);
      const { tickets } = (await (await fetch(`${rig.url}/api/v1/tickets?estate_id=${rig.estateId}&status=open,assigned,acknowledged,on_site,on_hold`, { headers: { cookie: supervisorCookie } })).json()) as {
        tickets: Array<{ id: string; acknowledged_at: string | null }>;
      };
      const notAccepted = tickets.filter((ticket) => ticket.acknowledged_at === null).map((ticket) => ticket.id);
      expect(notAccepted).toContain(waitingTicket.id);
      expect((await overdue.locator('li.ticket').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-ticket-id')))).sort()).toEqual(notAccepted.sort());
      const summary = await page.locator(`#summary-${rig.estateId}`).textContent();
      expect(summary).toBe(zh['open_tickets.summary'].replace('{open}', String(tickets.length)).replace('{overdue}', String(notAccepted.length)));
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'supervisor-desktop-zh-open-tickets.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });

  it('phone-en: the duty roster lists each shift with its role, days, hours and buildings', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, false);
    const flat = await rig.careFlat();
    const housekeeper = await rig.person('housekeeper', rig.estateId, [flat.buildingId]);
    const facilities = await rig.person('facilities');
    const { context, page, hosts, errors } = await openPage(browser, PHONE, 'en-GB');
    try {
      await signIn(page, rig.url, supervisor.login, en);
      await page.getByRole('link', { name: en['nav.roster'] }).click();
      await page.waitForURL('**/roster');
      const housekeeperShift = page.locator(`#roster-${rig.estateId} tr[data-staff-id="${housekeeper.id}"]`);
      await housekeeperShift.waitFor();
      expect(await housekeeperShift.locator('td').allTextContents()).toEqual([en['role.housekeeper'], en['roster.every_day'], en['roster.all_day'], flat.buildingId, housekeeper.id]);
      const facilitiesShift = page.locator(`#roster-${rig.estateId} tr[data-staff-id="${facilities.id}"]`);
      expect(await facilitiesShift.locator('.role').textContent()).toBe(en['role.facilities']);
      expect(await facilitiesShift.locator('.buildings').textContent()).toBe(en['roster.all_buildings']);
      // The supervisor, not on duty, has no shift.
      await expect(page.locator(`tr[data-staff-id="${supervisor.id}"]`).count()).resolves.toBe(0);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'supervisor-phone-en-roster.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
