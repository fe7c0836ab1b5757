import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { StaffService } from '../../cloud/access/staff-service.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import type { Role } from '../../cloud/access/roles.js';
import { isAppError } from '../../cloud/platform/app-error.js';
import type { Clock } from '../../shared/time/clock.js';

/** The demo's one password, printed at start: a demo on one machine, never an installation. */
export const DEMO_PASSWORD = 'estatecare-demo';

export interface DemoAccount {
  login: string;
  name: string;
  role: Role;
}

/** One account per kind of work the demo shows; all in the demo estate. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { login: 'demo.admin', name: 'Demo administrator', role: 'admin' },
  { login: 'demo.manager', name: 'Demo estate manager 项目经理', role: 'estate_manager' },
  { login: 'demo.supervisor', name: 'Demo supervisor 主管', role: 'supervisor' },
  { login: 'demo.housekeeper', name: 'Demo housekeeper 管家', role: 'housekeeper' },
  { login: 'demo.facilities', name: 'Demo facilities 工程维修', role: 'facilities' },
  { login: 'demo.liftco', name: 'Demo lift contractor 电梯维保', role: 'lift_contractor' },
];

/**
 * Adds the demo accounts to the demo estate, as `estatecare admin add-staff` would; an account kept
 * from an earlier run in the same data directory stays as it is.
 */
export async function seedDemoStaff(db: SqlDatabase, clock: Clock, estateId: string): Promise<void> {
  const staff = new StaffService(db, clock);
  const operator = await loadOperatorCaller(db);
  for (const account of DEMO_ACCOUNTS) {
    try {
      await staff.addStaff(operator, { login: account.login, display_name: account.name, password: DEMO_PASSWORD, grants: [{ estate_id: estateId, role: account.role }] });
    } catch (error) {
      if (!isAppError(error, 'conflict')) throw error;
    }
  }
}
