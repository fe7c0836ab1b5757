import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { zh } from '../../cloud/console/messages/zh.js';
import { en } from '../../cloud/console/messages/en.js';
import { eventually } from '../support/net.js';
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

  it('the KPI page counts a ticket opened since it was last looked at, by day and by week, closure against its 98 % target', async () => {
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
      // By week: eight weeks, each closure bar marked against the 98 % target.
      await page.locator('a[data-bucket="week"]').click();
      await page.locator(`section[data-estate="${rig.estateId}"][data-bucket="week"]`).waitFor();
      const closure = page.locator(`section[data-estate="${rig.estateId}"] figure.chart`).nth(2);
      expect(await closure.locator('.bar-row').count()).toBeGreaterThanOrEqual(8);
      expect(await closure.locator('meter').first().getAttribute('low')).toBe('0.98');
      expect(Number(await page.locator(`#opened-${rig.estateId}`).textContent())).toBeGreaterThanOrEqual(before + 1);
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

  it('phone-en: the duty roster lists each shift with its role, days, hours, buildings and person, and the team who is on duty', async () => {
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
      expect(await housekeeperShift.locator('td').allTextContents()).toEqual([en['role.housekeeper'], en['roster.every_day'], en['roster.all_day'], flat.buildingId, housekeeper.login]);
      // The team by name: the housekeeper on duty round the clock, the supervisor off the roster.
      const team = page.locator(`#team-${rig.estateId}`);
      expect(await team.locator(`li[data-staff-id="${housekeeper.id}"]`).getAttribute('data-on-duty')).toBe('true');
      expect(await team.locator(`li[data-staff-id="${supervisor.id}"] .duty`).textContent()).toBe(en['team.off_duty']);
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

  // Last in the file: it moves the cloud's clock on, past every deadline of the tickets opened before.
  it('desktop-zh: a care visit nobody accepted in 15 minutes shows as an escalation in progress, naming who was told', async () => {
    const supervisor = await rig.person('supervisor', rig.estateId, null, true);
    const flat = await rig.careFlat();
    const housekeeper = await rig.person('housekeeper', rig.estateId, [flat.buildingId]);
    await rig.raiseCareVisit(flat.unitId);
    const supervisorCookie = await rig.sessionCookie(supervisor.login);
    const ticket = await eventually('the care visit assigned', async () => {
      const found = await ticketOf(await rig.sessionCookie(housekeeper.login), flat.unitId);
      return found ?? undefined;
    });
    rig.clock.advance(16 * 60_000);
    await eventually('the escalation to the supervisor', async () => {
      const response = await fetch(`${rig.url}/api/v1/estates/${rig.estateId}/escalations`, { headers: { cookie: supervisorCookie } });
      const { escalations } = (await response.json()) as { escalations: Array<{ ticket_id: string }> };
      return escalations.some((escalation) => escalation.ticket_id === ticket.id) || undefined;
    });
    const { context, page, hosts, errors } = await openPage(browser, DESKTOP, 'zh-CN');
    try {
      await page.clock.setFixedTime(rig.clock.now());
      await signIn(page, rig.url, supervisor.login);
      await page.goto(`${rig.url}/open-tickets`);
      const escalation = page.locator(`#escalations-${rig.estateId} [data-ticket-id="${ticket.id}"][data-chain="ack"]`);
      await escalation.waitFor();
      const text = await escalation.textContent();
      expect(text).toContain(zh['escalations.chain.ack']);
      expect(text).toContain(supervisor.login);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'supervisor-desktop-zh-escalations.png'), fullPage: true });
      expect({ hosts: [...hosts], errors }).toEqual({ hosts: [new URL(rig.url).host], errors: [] });
    } finally {
      await context.close();
    }
  });
});
