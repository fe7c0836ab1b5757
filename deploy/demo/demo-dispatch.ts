import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { DispatchPolicyRepository } from '../../cloud/dispatch/dispatch-policy-repository.js';
import { DUTY_ROLES } from '../../cloud/dispatch/duty-roster.js';
import { RosterRepository } from '../../cloud/dispatch/roster-repository.js';
import type { Clock } from '../../shared/time/clock.js';
import { DEMO_ACCOUNTS } from './demo-staff.js';

/** How long the demo's lift entrapment waits for an acknowledgement before it escalates (a real estate's is 5 min). */
export const DEMO_ACK_WINDOW_MIN = 1;
/** How long the demo's passenger stays trapped: past the acknowledgement window, so the escalation shows. */
export const DEMO_ENTRAPMENT_MS = 90_000;

/**
 * The demo estate's duty roster and dispatch policy: every demo account that stands duty is on a
 * 24-hour shift every day (a shift starting and ending at the same time covers the whole day), and
 * a lift entrapment not acknowledged within DEMO_ACK_WINDOW_MIN escalates to the supervisor, then a
 * minute later to the estate manager. Kept as they are when the demo keeps its data.
 */
export async function seedDemoDispatch(db: SqlDatabase, clock: Clock, estateId: string): Promise<void> {
  const roster = new RosterRepository(db);
  if ((await roster.list(estateId)).length === 0) {
    const { rows } = await db.query<{ id: string; login: string }>('SELECT id, login FROM staff WHERE login = ANY($1::text[])', [DEMO_ACCOUNTS.map((account) => account.login)]);
    for (const account of DEMO_ACCOUNTS) {
      const role = DUTY_ROLES.find((dutyRole) => dutyRole === account.role);
      const staffId = rows.find((row) => row.login === account.login)?.id;
      if (!role || !staffId) continue;
      await roster.add(estateId, { staff_id: staffId, role, building_ids: null, weekdays: [1, 2, 3, 4, 5, 6, 7], starts_at: '00:00', ends_at: '00:00' }, 'demo', clock.now());
    }
  }
  const policies = new DispatchPolicyRepository(db);
  if ((await policies.get(estateId)).version === 0) {
    await policies.put(
      estateId,
      {
        lift_entrapment: {
          ack_within_minutes: DEMO_ACK_WINDOW_MIN,
          escalation: {
            ack: [
              { notify: 'supervisor', after_minutes: 0, renotify_every_minutes: null },
              { notify: 'estate_manager', after_minutes: 1, renotify_every_minutes: null },
            ],
          },
        },
      },
      0,
      'demo',
      clock.now(),
    );
  }
}
