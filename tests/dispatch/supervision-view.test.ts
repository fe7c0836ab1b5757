import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estateTeam } from '../../cloud/dispatch/estate-team.js';
import { escalationsInProgress } from '../../cloud/dispatch/escalations-in-progress.js';
import { MINUTE_MS } from '../../cloud/tickets/ticket-policy.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { DispatchEstate, shanghai } from './dispatch-estate.js';

/**
 * What a supervisor watches, on a clock the test moves: the team by name with who is on duty now
 * and how many open tickets each holds, and the escalations still running, which end when what
 * their chain waits for happens.
 */
describe.each(SQL_BACKENDS)('the supervision view on $name', (backend) => {
  let opened: OpenedSqlDatabase;
  /** Tuesday 2026-11-24, 10:00 in Shanghai. */
  const T = shanghai('2026-11-24T10:00:00');

  beforeAll(async () => {
    opened = await backend.open();
  }, 120_000);

  afterAll(async () => {
    await opened?.cleanup();
  });

  async function estate(): Promise<DispatchEstate> {
    const estate = await DispatchEstate.open(opened.db, T);
    await estate.person('hk-day', 'housekeeper', ['b1']);
    await estate.person('hk-night', 'housekeeper', ['b1']);
    await estate.person('fac', 'facilities');
    await estate.person('sup', 'supervisor');
    await estate.shift('hk-day', 'housekeeper', '08:00', '20:00');
    await estate.shift('hk-night', 'housekeeper', '20:00', '08:00');
    await estate.shift('fac', 'facilities', '08:00', '20:00');
    await estate.shift('sup', 'supervisor', '08:00', '20:00');
    return estate;
  }

  const team = async (estate: DispatchEstate) =>
    Object.fromEntries(
      (await estateTeam(opened.db, estate.estateId, await estate.dispatch.roster.list(estate.estateId), estate.clock.now())).map((member) => [
        member.displayName,
        { onDuty: member.roles.filter((held) => held.onDutyNow).map((held) => held.role), open: member.openTickets },
      ]),
    );

  it('names each member, marks who is on duty at the estate clock, and counts their open tickets', async () => {
    const dayTeam = await estate();
    await dayTeam.raise({ category: 'care_visit', rule: 'household_inactivity', subject: { kind: 'unit', id: 'hh-b1' } });
    expect(await team(dayTeam)).toEqual({
      'hk-day': { onDuty: ['housekeeper'], open: 1 },
      'hk-night': { onDuty: [], open: 0 },
      fac: { onDuty: ['facilities'], open: 0 },
      sup: { onDuty: ['supervisor'], open: 0 },
    });
    await dayTeam.at(shanghai('2026-11-24T21:00:00'));
    expect(await team(dayTeam)).toMatchObject({ 'hk-day': { onDuty: [] }, 'hk-night': { onDuty: ['housekeeper'] } });
  });

  it('shows an escalation while its chain still waits, the latest step only, and drops it once the ticket is accepted', async () => {
    const escalating = await estate();
    const { ticket } = await escalating.raise({ category: 'care_visit', rule: 'household_inactivity', subject: { kind: 'unit', id: 'hh-b1' } });
    expect(await escalationsInProgress(opened.db, escalating.estateId)).toEqual([]);
    await escalating.at(T + 15 * MINUTE_MS);
    const [first] = await escalationsInProgress(opened.db, escalating.estateId);
    expect(first).toEqual({
      ticketId: ticket.id,
      chain: 'ack',
      step: 1,
      round: 0,
      audience: 'supervisor',
      at: T + 15 * MINUTE_MS,
      deadline: T + 15 * MINUTE_MS,
      recipients: [{ staffId: escalating.id('sup'), displayName: 'sup' }],
    });
    await escalating.at(T + 31 * MINUTE_MS);
    const later = await escalationsInProgress(opened.db, escalating.estateId);
    expect(later).toHaveLength(1);
    expect(later[0]!.step + later[0]!.round).toBeGreaterThan(1);
    await escalating.tickets.act(ticket.id, { kind: 'acknowledge', by: 'staff:hk-day', staffId: escalating.id('hk-day') });
    expect(await escalationsInProgress(opened.db, escalating.estateId)).toEqual([]);
  });

  it("keeps a lift entrapment's on-site escalation after acceptance, until arrival", async () => {
    const lift = await estate();
    await lift.person('lift-co', 'lift_contractor');
    await lift.shift('lift-co', 'lift_contractor', '08:00', '20:00');
    const { ticket } = await lift.raise({ category: 'lift_entrapment', rule: 'lift_entrapment', subject: { kind: 'asset', id: 'lift-1' } });
    const assignee = ticket.assigneeIds[0]!;
    await lift.tickets.act(ticket.id, { kind: 'acknowledge', by: `staff:${assignee}`, staffId: assignee });
    await lift.at(T + 30 * MINUTE_MS);
    expect((await escalationsInProgress(opened.db, lift.estateId)).map((escalation) => [escalation.ticketId, escalation.chain])).toEqual([[ticket.id, 'on_site']]);
    await lift.tickets.act(ticket.id, { kind: 'on_site', by: `staff:${assignee}`, staffId: assignee });
    expect(await escalationsInProgress(opened.db, lift.estateId)).toEqual([]);
  });
});
