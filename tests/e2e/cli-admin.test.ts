import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_POLICY } from '../../cloud/access/access-policy.js';
import { SignInService } from '../../cloud/access/sign-in-service.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { AppError } from '../../cloud/platform/app-error.js';
import { systemClock } from '../../shared/time/clock.js';
import { runCli } from '../support/cli.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';

const ESTATE = 'sunrise-gardens';
/** Each run of the command starts Node and tsx, migrates and hashes: seconds apiece on a busy machine. */
const SEVERAL_RUNS_MS = 240_000;

/** estatecare admin on a fresh PostgreSQL database: no SQL needed to get the first people in. */
describe('estatecare admin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-admin-'));
  let database: TestPostgresDatabase;
  let config: string;
  let db: SqlDatabase | undefined;

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    config = join(dir, 'cloud.yaml');
    writeFileSync(
      config,
      ['broker:', '  embedded: true', 'database:', `  url: ${database.url}`, 'registry:', '  estates:', `    - id: ${ESTATE}`, '      name: Sunrise Gardens'].join('\n'),
    );
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function admin(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const run = runCli(['admin', ...args, '--config', config], {}, input);
    const code = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  /** Signs in on the real clock: the command's own changes (sessions ended) are made on it. */
  async function signIn(login: string, password: string) {
    db ??= await openDatabase({ url: database.url });
    return new SignInService(db, systemClock, DEFAULT_ACCESS_POLICY).signIn({ login, password, address: 'cli-test' });
  }

  it('creates the first administrator on a fresh database (migrating it), with a password printed once; only once', async () => {
    const created = await admin(['create-first-admin', '--login', 'root', '--name', '管理员']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created administrator root (admin of every estate)');
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const signedIn = await signIn('root', password!);
    expect(signedIn.caller.allEstates).toBe(true);
    expect(signedIn.caller.grants).toEqual([{ estateId: ESTATE, role: 'admin', buildingIds: null }]);

    const again = await admin(['create-first-admin', '--login', 'root2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('an administrator already exists');
    expect(again.stdout).not.toContain('password');
  }, SEVERAL_RUNS_MS);

  it('adds staff with roles per estate, the password from standard input', async () => {
    const added = await admin(['add-staff', '--login', 'wang.hk', '--name', '王管家', '--role', `housekeeper@${ESTATE}:b1`, '--password-stdin'], 'wang passphrase 1\n');
    // b1 does not exist yet: the field at fault is named, as the option it came from.
    expect(added.code).toBe(2);
    expect(added.stderr).toContain(`--role #1: no building b1 in estate ${ESTATE}`);

    const supervisor = await admin(['add-staff', '--login', 'li.sup', '--name', '李主管', '--role', `supervisor@${ESTATE}`, '--role', `estate_manager@${ESTATE}`, '--password-stdin'], 'li passphrase 12\n');
    expect(supervisor.stderr).toBe('');
    expect(supervisor.stdout).toContain(`added li.sup: supervisor@${ESTATE} estate_manager@${ESTATE}`);
    expect(supervisor.stdout).not.toContain('li passphrase');
    const signedIn = await signIn('li.sup', 'li passphrase 12');
    expect(signedIn.caller.grants.map((g) => g.role).sort()).toEqual(['estate_manager', 'supervisor']);
  }, SEVERAL_RUNS_MS);

  it('resets a password (ending every session) and revokes sessions', async () => {
    await admin(['add-staff', '--login', 'zhao.fac', '--name', '赵师傅', '--role', `facilities@${ESTATE}`, '--password-stdin'], 'zhao passphrase 1');
    const first = await signIn('zhao.fac', 'zhao passphrase 1');
    const reset = await admin(['reset-password', '--login', 'zhao.fac', '--password-stdin'], 'zhao passphrase 2\n');
    expect(reset.stdout).toContain('password of zhao.fac reset; 1 session(s) ended');
    const service = new SignInService(db!, systemClock);
    await expect(service.authenticate(first.token)).rejects.toBeInstanceOf(AppError);
    await expect(signIn('zhao.fac', 'zhao passphrase 1')).rejects.toMatchObject({ code: 'bad_credentials' });

    const second = await signIn('zhao.fac', 'zhao passphrase 2');
    const revoked = await admin(['revoke-sessions', '--login', 'zhao.fac']);
    expect(revoked.stdout).toContain('1 session(s) of zhao.fac ended');
    await expect(service.authenticate(second.token)).rejects.toMatchObject({ code: 'session_ended' });

    const listed = await admin(['list-staff']);
    expect(listed.stdout).toMatch(new RegExp(`zhao\\.fac\\t赵师傅\\tactive\\tfacilities@${ESTATE}`));
  }, SEVERAL_RUNS_MS);

  it('names a bad argument and exits non-zero', async () => {
    const cases: Array<[string[], number, string]> = [
      [['add-staff', '--login', 'xy1', '--name', 'X', '--role', `janitor@${ESTATE}`], 2, 'unknown role "janitor"'],
      [['add-staff', '--login', 'xy1', '--name', 'X', '--role', 'supervisor'], 2, '--role "supervisor": expected ROLE@ESTATE'],
      [['add-staff', '--login', 'xy1', '--name', 'X', '--role', 'supervisor@nowhere'], 1, 'no estate with id nowhere'],
      [['add-staff', '--login', 'x', '--name', 'X', '--role', `supervisor@${ESTATE}`], 2, '--login: a login is 3-64 characters'],
      [['add-staff', '--login', 'xy1', '--name', 'X'], 2, '--role is required'],
      [['reset-password', '--login', 'nobody'], 1, 'no staff member with id nobody'],
      [['reset-password', '--login', 'zhao.fac', '--password-stdin'], 2, `the password: a password has at least 10 characters`],
      [['revoke-sessions'], 2, '--login is required'],
      [['fly'], 2, 'unknown subcommand "admin fly"; one of: create-first-admin'],
    ];
    for (const [args, code, message] of cases) {
      const run = await admin(args, args.includes('--password-stdin') ? 'short' : undefined);
      expect({ args, code: run.code, stderr: run.stderr }).toMatchObject({ code, stderr: expect.stringContaining(message) });
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  }, SEVERAL_RUNS_MS);
});
