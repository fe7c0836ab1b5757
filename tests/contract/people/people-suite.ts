import { afterAll, beforeAll, describe } from 'vitest';
import type { SqlDatabase } from '../../../cloud/db/sql-database.js';
import type { OpenedSqlDatabase } from '../../support/sql-backends.js';
import { describeAudit } from './audit.contract.js';
import { describeEstates } from './estates.contract.js';
import { describeGatewayCredentials } from './gateway-credentials.contract.js';
import { describeHouseholds } from './households.contract.js';
import { describeSessions } from './sessions.contract.js';
import { describeSignIn } from './sign-in.contract.js';
import { describeStaff } from './staff.contract.js';

/** What each part of the suite works with: one shared database, and a fresh one for a test that needs it empty. */
export interface PeopleSuite {
  db(): SqlDatabase;
  freshDatabase(): Promise<OpenedSqlDatabase>;
}

/**
 * One contract for the access, session, estate, household and gateway credential repositories, through the services
 * that use them; run once per SQL backend. Tests share the database and stay apart by using
 * estates, logins and addresses of their own.
 */
export function describePeopleContract(name: string, open: () => Promise<OpenedSqlDatabase>): void {
  describe(`people and access contract: ${name}`, () => {
    let opened: OpenedSqlDatabase;
    const suite: PeopleSuite = { db: () => opened.db, freshDatabase: open };

    beforeAll(async () => {
      opened = await open();
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    describeSignIn(suite);
    describeSessions(suite);
    describeStaff(suite);
    describeEstates(suite);
    describeHouseholds(suite);
    describeGatewayCredentials(suite);
    describeAudit(suite);
  });
}
