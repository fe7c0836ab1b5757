import { StaffService } from '../../../cloud/access/staff-service.js';
import { loadOperatorCaller } from '../../../cloud/access/operator-caller.js';
import type { Caller } from '../../../cloud/access/caller.js';
import type { CloudConfig } from '../../../cloud/config/cloud-config.js';
import type { StaffMember } from '../../../cloud/access/staff-repository.js';
import { migrate } from '../../../cloud/db/migrate.js';
import { GatewayCredentialService } from '../../../cloud/registry/gateway-credential-service.js';
import { RegistryRepository } from '../../../cloud/registry/registry-repository.js';
import { seedRegistry } from '../../../cloud/registry/seed-registry.js';
import { systemClock } from '../../../shared/time/clock.js';
import { UsageError } from '../cli-error.js';
import { openCloudDatabase } from '../cloud-database.js';
import type { CommandRunner, ParsedArgs } from '../command-spec.js';
import { requireOption } from '../options.js';
import { asCommandLineError } from './admin/admin-failure.js';
import { writeBrokerFiles } from './admin/broker-files.js';
import { passwordInput } from './admin/password-input.js';
import { parseRoleOption } from './admin/role-option.js';

/** The options of every admin subcommand, as deploy/cli/command-table.ts declares them. */
interface Values {
  config?: string;
  login?: string;
  name?: string;
  role?: string[];
  'password-stdin'?: boolean;
  'no-password'?: boolean;
  out?: string;
}
type Write = (line: string) => void;
/** What else of the cloud a subcommand may act on, as the operator. */
interface AdminContext {
  gatewayCredentials: GatewayCredentialService;
  config: CloudConfig;
}
/** A subcommand with its arguments checked (before the database is opened): what is left to run. */
type Prepared = (staff: StaffService, operator: Caller, write: Write, cloud: AdminContext) => Promise<void>;

function describeGrants(member: StaffMember): string {
  return member.grants
    .map((g) => `${g.role}@${g.estateId ?? '*'}${g.buildingIds ? `:${g.buildingIds.join(',')}` : ''}`)
    .join(' ');
}

/** Prints a generated password, once, after the change that set it succeeded. */
function showGenerated(secret: { password: string; generated: boolean }, write: Write): void {
  if (secret.generated) write(`password (shown once, give it to them privately): ${secret.password}`);
}

export const ADMIN_SUBCOMMANDS = ['create-first-admin', 'add-staff', 'reset-password', 'revoke-sessions', 'list-staff', 'broker-files'] as const;
export type AdminSubcommand = (typeof ADMIN_SUBCOMMANDS)[number];

const SUBCOMMANDS: Record<AdminSubcommand, (values: Values) => Promise<Prepared>> = {
  'create-first-admin': async (values) => {
    const login = requireOption(values.login, 'login');
    const secret = await passwordInput(values['password-stdin'] === true);
    return async (staff, operator, write) => {
      const admin = await staff.createFirstAdmin(operator, { login, display_name: values.name ?? login, password: secret.password });
      write(`created administrator ${admin.login} (admin of every estate)`);
      showGenerated(secret, write);
    };
  },
  'add-staff': async (values) => {
    const login = requireOption(values.login, 'login');
    const displayName = requireOption(values.name, 'name');
    const grants = (values.role ?? []).map(parseRoleOption);
    if (grants.length === 0) throw new UsageError('--role is required (one or more)');
    const secret = values['no-password'] ? null : await passwordInput(values['password-stdin'] === true);
    return async (staff, operator, write) => {
      const member = await staff.addStaff(operator, { login, display_name: displayName, password: secret?.password ?? null, grants });
      write(`added ${member.login}: ${describeGrants(member)}`);
      if (secret) showGenerated(secret, write);
    };
  },
  'reset-password': async (values) => {
    const login = requireOption(values.login, 'login');
    const secret = await passwordInput(values['password-stdin'] === true);
    return async (staff, operator, write) => {
      const { revokedSessions } = await staff.resetPassword(operator, { login }, secret.password);
      write(`password of ${login} reset; ${revokedSessions} session(s) ended`);
      showGenerated(secret, write);
    };
  },
  'revoke-sessions': async (values) => {
    const login = requireOption(values.login, 'login');
    return async (staff, operator, write) => write(`${await staff.revokeSessions(operator, { login })} session(s) of ${login} ended`);
  },
  'list-staff': async () => async (staff, operator, write) => {
    for (const member of await staff.list(operator)) {
      write(`${member.login}\t${member.displayName}\t${member.disabledAt === null ? 'active' : 'disabled'}\t${describeGrants(member)}`);
    }
  },
  'broker-files': async (values) => {
    const outDir = requireOption(values.out, 'out');
    return (_staff, operator, write, cloud) => writeBrokerFiles(cloud.gatewayCredentials, operator, cloud.config, outDir, write);
  },
};

/**
 * estatecare admin <subcommand> --config cloud.yaml ...: people and access from the terminal, on
 * the database the config names (migrated, and its estates registered, first), acting as the
 * operator: admin of every estate, no care permissions.
 */
export function adminCommand(name: AdminSubcommand): CommandRunner {
  return (args) => runAdminSubcommand(SUBCOMMANDS[name], args);
}

async function runAdminSubcommand(prepare: (values: Values) => Promise<Prepared>, args: ParsedArgs): Promise<void> {
  const values = args.values as Values;
  if (values['password-stdin'] && values['no-password']) throw new UsageError('--password-stdin and --no-password exclude each other');
  const configPath = requireOption(values.config, 'config');
  const run = await prepare(values);
  const { db, logger, config } = await openCloudDatabase(configPath, 'estatecare-admin');
  try {
    await migrate(db, logger);
    await seedRegistry(new RegistryRepository(db), config.registry.estates);
    const cloud: AdminContext = { gatewayCredentials: new GatewayCredentialService(db, systemClock), config };
    await run(new StaffService(db, systemClock), await loadOperatorCaller(db), (line) => process.stdout.write(`${line}\n`), cloud);
  } catch (error) {
    throw asCommandLineError(error);
  } finally {
    await db.close();
  }
}
