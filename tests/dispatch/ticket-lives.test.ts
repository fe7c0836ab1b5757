import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_MS, HOUR_MS } from '../../cloud/tickets/ticket-policy.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { nextChange } from '../support/wire-fixtures.js';
import { DispatchEstate, shanghai } from './dispatch-estate.js';

/**
 * Whole ticket lives on a clock the test moves: dispatch from the roster, deadlines just met and
 * just missed, escalation steps and what acknowledging cancels, an alert that clears first, nobody
 * on duty, a shift that crosses midnight, a policy edited while tickets are open, the grab pool,
 * hand-back, hold, follow-up, and device tickets held behind their gateway's.
 */
describe.each(SQL_BACKENDS)('ticket lives on $name', (backend) => {
  let opened: OpenedSqlDatabase;
  /** Tuesday 2026-11-24, 10:00 in Shanghai: everyone's day shift is on. */
  const T = shanghai('2026-11-24T10:00:00');

  beforeAll(async () => {
    opened = await backend.open();
  }, 120_000);

  afterAll(async () => {
    await opened?.cleanup();
  });

  /** An estate with day shifts (08:00-20:00): a housekeeper per building, facilities, a lift contractor, a supervisor; a manager off the roster. */
  async function dayEstate(): Promise<DispatchEstate> {
    const estate = await DispatchEstate.open(opened.db, T);
    await estate.person('hk-b1', 'housekeeper', ['b1']);
    await estate.person('hk-b2', 'housekeeper', ['b2']);
    await estate.person('fac', 'facilities');
    await estate.person('lift-co', 'lift_contractor');
    await estate.person('sup', 'supervisor');
    await estate.person('mgr', 'estate_manager');
    await estate.shift('hk-b1', 'housekeeper', '08:00', '20:00');
    await estate.shift('hk-b2', 'housekeeper', '08:00', '20:00');
    await estate.shift('fac', 'facilities', '08:00', '20:00');
    await estate.shift('lift-co', 'lift_contractor', '08:00', '20:00');
    await estate.shift('sup', 'supervisor', '08:00', '20:00');
    return estate;
  }

  const careVisit = (unit = 'hh-b1') => ({ category: 'care_visit' as const, rule: 'household_inactivity', subject: { kind: 'unit' as const, id: unit } });

  it('dispatches a care visit at once to the on-duty housekeeper of its building, and queues her message', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise(careVisit('hh-b2'));
    expect(ticket).toMatchObject({ status: 'assigned', assigneeIds: [estate.id('hk-b2')], assignedAt: T });
    expect(await estate.queued(ticket.id)).toEqual([
      { purpose: 'ticket_assigned', chain: 'ack', step: 0, audience: 'assignee', recipients: [estate.id('hk-b2')], status: 'queued' },
    ]);
    expect(await estate.auditActions(ticket.id)).toEqual(['opened', 'assigned']);
  });

  it('a water leak goes to facilities with the housekeeper of the building informed', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise({ category: 'water_leak', rule: 'continuous_flow', subject: { kind: 'unit', id: 'hh-b1' } });
    expect(ticket).toMatchObject({ assigneeIds: [estate.id('fac')], informedIds: [estate.id('hk-b1')] });
    expect((await estate.queued(ticket.id)).map((row) => [row.purpose, row.recipients])).toEqual([
      ['ticket_assigned', [estate.id('fac')]],
      ['ticket_informed', [estate.id('hk-b1')]],
    ]);
  });

  it('acknowledged a second before the deadline: "nobody answered" never escalates', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise(careVisit());
    await estate.at(T + 15 * MINUTE_MS - 1000);
    await estate.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:hk-b1', staffId: estate.id('hk-b1') });
    await estate.at(T + 90 * MINUTE_MS);
    expect(await estate.escalations(ticket.id)).toEqual([]);
  });

  it('acknowledged a second after the deadline: the supervisor was told once, and nothing further fires', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise(careVisit());
    await estate.at(T + 15 * MINUTE_MS);
    expect(await estate.escalations(ticket.id)).toEqual([
      expect.objectContaining({ chain: 'ack', step: 0, round: 0, audience: 'supervisor', recipients: [estate.id('sup')] }),
    ]);
    // The supervisor's message goes out (to the process log: the estate has no channel) before the acknowledgement.
    await estate.notifications.dispatcher.runDue();
    await estate.at(T + 15 * MINUTE_MS + 1000);
    await estate.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:hk-b1', staffId: estate.id('hk-b1') });
    await estate.at(T + 100 * MINUTE_MS);
    expect((await estate.escalations(ticket.id)).filter((step) => step.chain === 'ack')).toHaveLength(1);
    expect((await estate.queued(ticket.id)).filter((row) => row.purpose === 'ack_overdue')).toEqual([
      { purpose: 'ack_overdue', chain: 'ack', step: 1, audience: 'supervisor', recipients: [estate.id('sup')], status: 'sent' },
    ]);
  });

  it('acknowledging cancels what is queued and not yet sent: the escalation and the assignee reminder never go out', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise(careVisit());
    // The notification dispatcher does not run: both messages wait in the queue, the escalation too.
    await estate.at(T + 25 * MINUTE_MS);
    expect((await estate.queued(ticket.id)).map((row) => [row.purpose, row.status])).toEqual([
      ['ticket_assigned', 'queued'],
      ['ack_overdue', 'queued'],
      ['ack_overdue', 'queued'],
    ]);
    await estate.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:hk-b1', staffId: estate.id('hk-b1') });
    await estate.notifications.dispatcher.runDue();
    expect((await estate.queued(ticket.id)).map((row) => row.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const { rows } = await opened.db.query(
      'SELECT d.id FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.ticket_id = $1',
      [ticket.id],
    );
    expect(rows).toEqual([]);
  });

  it('a lift entrapment (P1): acknowledging stops "nobody answered", not the on-site clock, which escalates on its own chain until arrival', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise({ category: 'lift_entrapment', rule: 'lift_entrapment', subject: { kind: 'asset', id: 'lift-1' } });
    expect(ticket.assigneeIds).toEqual([estate.id('fac'), estate.id('lift-co')]);
    await estate.at(T + 2 * MINUTE_MS);
    await estate.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:fac', staffId: estate.id('fac') });
    await estate.at(T + 30 * MINUTE_MS);
    await estate.at(T + 40 * MINUTE_MS);
    expect((await estate.escalations(ticket.id)).map((step) => [step.chain, step.step, step.round, step.audience])).toEqual([
      ['on_site', 0, 0, 'supervisor'],
      ['on_site', 0, 1, 'supervisor'],
      ['on_site', 1, 0, 'estate_manager'],
    ]);
    await estate.at(T + 41 * MINUTE_MS);
    await estate.tickets.act(ticket.id, { kind: 'on_site', by: 'staff:lift-co', staffId: estate.id('lift-co') });
    await estate.at(T + 3 * HOUR_MS);
    expect(await estate.escalations(ticket.id)).toHaveLength(3);
  });

  it('an alert cleared before anyone acted: the clocks stop, the assignee is asked to follow up, and a missed follow-up escalates', async () => {
    const estate = await dayEstate();
    const { alert, ticket } = await estate.raise(careVisit());
    estate.clock.set(T + 5 * MINUTE_MS);
    const cleared = await estate.change(nextChange(alert, 'cleared', T + 5 * MINUTE_MS));
    expect(cleared).toMatchObject({ status: 'assigned', followUpDueAt: T + 5 * MINUTE_MS + 24 * HOUR_MS });
    await estate.at(T + 3 * HOUR_MS);
    expect(await estate.escalations(ticket.id)).toEqual([]);
    expect((await estate.queued(ticket.id)).map((row) => [row.purpose, row.recipients])).toEqual([
      ['ticket_assigned', [estate.id('hk-b1')]],
      ['alert_cleared', [estate.id('hk-b1')]],
    ]);
    await estate.at(T + 5 * MINUTE_MS + 24 * HOUR_MS);
    expect((await estate.escalations(ticket.id)).map((step) => [step.chain, step.audience])).toEqual([['follow_up', 'assignee']]);
    const closed = await estate.tickets.act(ticket.id, { kind: 'follow_up', by: 'staff:hk-b1', staffId: estate.id('hk-b1'), outcome: 'reached', note: '老人说只是出门了' });
    expect(closed).toMatchObject({ status: 'closed', followUpOutcome: 'reached' });
    await estate.at(T + 26 * HOUR_MS + 5 * MINUTE_MS);
    expect(await estate.escalations(ticket.id)).toHaveLength(1);
  });

  it('resolved care visit: a follow-up call is due within 24 h; the ticket closes only after it', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise(careVisit());
    await estate.at(T + 40 * MINUTE_MS);
    const resolved = await estate.tickets.act(ticket.id, { kind: 'resolve', by: 'staff:hk-b1', staffId: estate.id('hk-b1'), outcomeCode: 'resident_well', note: null, photoRef: 'photos/1203.jpg' });
    expect(resolved).toMatchObject({ status: 'resolved', followUpDueAt: T + 40 * MINUTE_MS + 24 * HOUR_MS, photoRef: 'photos/1203.jpg' });
    expect((await estate.queued(ticket.id)).at(-1)).toMatchObject({ purpose: 'follow_up_due', recipients: [estate.id('hk-b1')] });
    const followed = await estate.tickets.act(ticket.id, { kind: 'follow_up', by: 'staff:sup', staffId: estate.id('sup'), outcome: 'needs_more', note: '需要送餐' });
    expect(followed).toMatchObject({ status: 'followed_up', closedAt: null });
    const closed = await estate.tickets.act(ticket.id, { kind: 'close', by: 'staff:sup', staffId: estate.id('sup'), reason: '已安排送餐服务' });
    expect(closed.status).toBe('closed');
  });

  it('nobody on duty: the ticket falls back to the supervisors, and the audit trail says why', async () => {
    const estate = await DispatchEstate.open(opened.db, shanghai('2026-11-24T03:00:00'));
    await estate.person('fac', 'facilities');
    await estate.shift('fac', 'facilities', '08:00', '20:00');
    await estate.person('sup', 'supervisor');
    const { ticket } = await estate.raise({ category: 'lift_fault', rule: 'lift_fault_code', subject: { kind: 'asset', id: 'lift-1' } });
    expect(ticket).toMatchObject({ status: 'assigned', assigneeIds: [estate.id('sup')] });
    const assigned = (await estate.tickets.auditTrail(ticket.id)).find((entry) => entry.action === 'assigned')!;
    expect(assigned.details).toMatchObject({ fallbacks: [{ role: 'facilities', to: [estate.id('sup')], via: 'supervisor' }] });
  });

  it('a night shift crossing midnight covers the small hours of the next day and ends on the minute', async () => {
    const estate = await DispatchEstate.open(opened.db, shanghai('2026-11-23T23:30:00'));
    await estate.person('night', 'housekeeper');
    await estate.person('day', 'housekeeper');
    await estate.person('sup', 'supervisor');
    await estate.shift('night', 'housekeeper', '22:00', '06:00', [1]); // Monday night, into Tuesday
    await estate.shift('day', 'housekeeper', '06:00', '22:00');
    const assigneeAt = async (local: string) => {
      estate.clock.set(shanghai(local));
      return (await estate.raise(careVisit())).ticket.assigneeIds;
    };
    expect(await assigneeAt('2026-11-23T23:30:00')).toEqual([estate.id('night')]);
    expect(await assigneeAt('2026-11-24T05:59:59')).toEqual([estate.id('night')]);
    expect(await assigneeAt('2026-11-24T06:00:00')).toEqual([estate.id('day')]);
    // Tuesday night has no night shift: the supervisor takes it.
    expect(await assigneeAt('2026-11-24T23:30:00')).toEqual([estate.id('sup')]);
  });

  it('a policy edited while tickets are open changes only tickets opened after it', async () => {
    const estate = await dayEstate();
    const { ticket: before } = await estate.raise(careVisit());
    await estate.dispatch.policies.put(
      estate.estateId,
      { care_visit: { ack_within_minutes: 5, escalation: { ack: [{ notify: 'estate_manager', after_minutes: 0, renotify_every_minutes: null }] } } },
      0,
      'staff:mgr',
      T,
    );
    await estate.at(T + MINUTE_MS);
    const { ticket: after } = await estate.raise(careVisit());
    expect([before.escalation?.policyVersion, after.escalation?.policyVersion]).toEqual([0, 1]);
    expect([before.ackDueAt, after.ackDueAt]).toEqual([T + 15 * MINUTE_MS, T + 6 * MINUTE_MS]);
    await estate.at(T + 6 * MINUTE_MS);
    expect((await estate.escalations(after.id)).map((step) => step.audience)).toEqual(['estate_manager']);
    expect(await estate.escalations(before.id)).toEqual([]);
    await estate.at(T + 15 * MINUTE_MS);
    expect((await estate.escalations(before.id)).map((step) => step.audience)).toEqual(['supervisor']);
  });

  it('handed back: the next housekeeper on duty gets it, never the one who handed it back', async () => {
    const estate = await dayEstate();
    await estate.person('hk-b1-second', 'housekeeper', ['b1']);
    await estate.shift('hk-b1-second', 'housekeeper', '08:00', '20:00');
    const { ticket } = await estate.raise(careVisit());
    const first = ticket.assigneeIds[0]!;
    const other = [estate.id('hk-b1'), estate.id('hk-b1-second')].find((id) => id !== first)!;
    await estate.at(T + 2 * MINUTE_MS);
    const handedBack = await estate.tickets.act(ticket.id, { kind: 'hand_back', by: `staff:${first}`, staffId: first, reason: '正在处理另一户' });
    expect(handedBack).toMatchObject({ status: 'assigned', assigneeIds: [other], declinedIds: [first] });
    expect((await estate.queued(ticket.id)).map((row) => [row.purpose, row.recipients])).toEqual([
      ['ticket_assigned', [first]],
      ['ticket_assigned', [other]],
    ]);
  });

  it('non-urgent work waits in the grab pool: taken by whoever grabs it first, or dispatched when the pool time runs out', async () => {
    const estate = await dayEstate();
    await estate.person('fac-2', 'facilities');
    await estate.shift('fac-2', 'facilities', '08:00', '20:00');
    const offline = { category: 'device_offline' as const, rule: 'device_silent', subject: { kind: 'device' as const, id: 'meter-1' } };
    const { ticket: grabbed } = await estate.raise(offline);
    expect(grabbed).toMatchObject({ status: 'open', pooledUntil: T + 30 * MINUTE_MS, assigneeIds: [] });
    // Offered to everyone of facilities on duty; the first to grab it has it.
    expect((await estate.queued(grabbed.id)).map((row) => [row.purpose, [...row.recipients].sort()])).toEqual([['ticket_pooled', [estate.id('fac'), estate.id('fac-2')].sort()]]);
    const taken = await estate.tickets.act(grabbed.id, { kind: 'grab', by: 'staff:fac-2', staffId: estate.id('fac-2') });
    expect(taken).toMatchObject({ status: 'acknowledged', assigneeIds: [estate.id('fac-2')], pooledUntil: null });

    const { ticket: waiting } = await estate.raise({ ...offline, subject: { kind: 'device', id: 'meter-2' } });
    await estate.at(T + 30 * MINUTE_MS);
    const dispatched = await estate.ticket(waiting.id);
    expect(dispatched.status).toBe('assigned');
    expect(dispatched.assigneeIds).toHaveLength(1);
    expect((await estate.tickets.auditTrail(waiting.id)).find((entry) => entry.action === 'assigned')?.details).toMatchObject({ after_pool: true });
  });

  it('a hold approved by the supervisor moves the on-site deadline; the on-site chain counts from the new one', async () => {
    const estate = await dayEstate();
    const { ticket } = await estate.raise({ category: 'water_leak', rule: 'continuous_flow', subject: { kind: 'unit', id: 'hh-b1' } });
    await estate.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:fac', staffId: estate.id('fac') });
    const until = T + 6 * HOUR_MS;
    const requested = await estate.tickets.act(ticket.id, { kind: 'request_hold', by: 'staff:fac', staffId: estate.id('fac'), reason: '等待配件', until, approved: false });
    expect(requested).toMatchObject({ status: 'acknowledged', holdUntil: until, holdRequestedBy: 'staff:fac', holdApprovedBy: null });
    expect((await estate.queued(ticket.id)).at(-1)).toMatchObject({ purpose: 'hold_requested', recipients: [estate.id('sup')] });
    const approved = await estate.tickets.act(ticket.id, { kind: 'approve_hold', by: 'staff:sup', staffId: estate.id('sup') });
    expect(approved).toMatchObject({ status: 'on_hold', onSiteDueAt: until, holdApprovedBy: 'staff:sup' });
    await estate.at(T + 3 * HOUR_MS);
    expect(await estate.escalations(ticket.id)).toEqual([]);
    await estate.at(until);
    expect((await estate.escalations(ticket.id)).map((step) => [step.chain, step.audience])).toEqual([['on_site', 'supervisor']]);
  });

  it("device tickets wait behind their gateway's offline ticket and are dispatched once it is resolved", async () => {
    const estate = await dayEstate();
    const { ticket: gateway } = await estate.raise({ category: 'device_offline', rule: 'gateway_silent', subject: { kind: 'gateway', id: estate.gatewayId } });
    const { ticket: device } = await estate.raise({ category: 'device_offline', rule: 'device_silent', subject: { kind: 'device', id: 'meter-9' } });
    expect(device).toMatchObject({ status: 'open', heldBehind: gateway.id, pooledUntil: null });
    expect(await estate.queued(device.id)).toEqual([]);
    await estate.tickets.act(gateway.id, { kind: 'grab', by: 'staff:fac', staffId: estate.id('fac') });
    await estate.tickets.act(gateway.id, { kind: 'resolve', by: 'staff:fac', staffId: estate.id('fac'), outcomeCode: 'repaired', note: '网关重启' });
    await estate.fireDue();
    expect(await estate.ticket(device.id)).toMatchObject({ heldBehind: null, pooledUntil: T + 30 * MINUTE_MS });
    expect(await estate.auditActions(device.id)).toEqual(['opened', 'held_behind', 'released', 'pooled']);
  });

  it('a timer that cannot fire (an estate with a time zone the runtime does not know) is tried again later and holds up no other', async () => {
    const broken = await dayEstate();
    const healthy = await dayEstate();
    await opened.db.query(`UPDATE estates SET time_zone = 'Mars/Olympus_Mons' WHERE id = $1`, [broken.estateId]);
    const { ticket: stuck } = await broken.raise(careVisit());
    const { ticket: fine } = await healthy.raise(careVisit());
    expect(stuck.status).toBe('open');
    expect(fine.status).toBe('assigned');
    await opened.db.query(`UPDATE estates SET time_zone = 'Asia/Shanghai' WHERE id = $1`, [broken.estateId]);
    await broken.at(T + MINUTE_MS - 1);
    expect((await broken.ticket(stuck.id)).status).toBe('open');
    await broken.at(T + MINUTE_MS);
    expect(await broken.ticket(stuck.id)).toMatchObject({ status: 'assigned', assigneeIds: [broken.id('hk-b1')] });
  });

  it('reassigned after its deadline passed: the new person is told and has a whole acknowledgement window before anyone is chased', async () => {
    const estate = await dayEstate();
    await estate.person('hk-b1-second', 'housekeeper', ['b1']);
    const { ticket } = await estate.raise(careVisit());
    await estate.at(T + 20 * MINUTE_MS); // the supervisor was told at 15 min
    const reassigned = await estate.tickets.act(ticket.id, { kind: 'reassign', by: 'staff:sup', staffId: estate.id('sup'), to: [estate.id('hk-b1-second')], reason: '离得近' });
    expect(reassigned).toMatchObject({ status: 'assigned', assigneeIds: [estate.id('hk-b1-second')] });
    expect((await estate.queued(ticket.id)).at(-1)).toMatchObject({ purpose: 'ticket_reassigned', recipients: [estate.id('hk-b1-second')] });
    await estate.at(T + 35 * MINUTE_MS - 1000);
    expect((await estate.escalations(ticket.id)).map((step) => step.deadline)).toEqual([new Date(T + 15 * MINUTE_MS).toISOString()]);
    await estate.at(T + 35 * MINUTE_MS);
    expect((await estate.escalations(ticket.id)).map((step) => step.deadline)).toEqual([new Date(T + 15 * MINUTE_MS).toISOString(), new Date(T + 35 * MINUTE_MS).toISOString()]);
  });
});
