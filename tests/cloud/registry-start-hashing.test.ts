import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { migrate } from '../../cloud/db/migrate.js';
import { ConfigGatewayPasswords, SCRYPT_HASHER, type PasswordHasher } from '../../cloud/registry/config-gateway-passwords.js';
import { GatewayLoginCheck } from '../../cloud/registry/gateway-login-check.js';
import { GATEWAYS_PER_STATEMENT, RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { seedRegistry, type EstateSeed } from '../../cloud/registry/seed-registry.js';
import { silentLogger } from '../../shared/log/logger.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const FLEET = [2_000, 1_200];

/** scrypt, counted. */
class CountingHasher implements PasswordHasher {
  hashes = 0;
  verifies = 0;
  hash(password: string): Promise<string> {
    this.hashes++;
    return SCRYPT_HASHER.hash(password);
  }
  verify(password: string, stored: string): Promise<boolean> {
    this.verifies++;
    return SCRYPT_HASHER.verify(password, stored);
  }
}

/** The database, with its statements counted. */
function counting(db: SqlDatabase): { db: SqlDatabase; statements: () => number } {
  let statements = 0;
  const counted = Object.create(db) as SqlDatabase;
  counted.query = (sql, params) => {
    statements++;
    return db.query(sql, params);
  };
  return { db: counted, statements: () => statements };
}

/**
 * Start with a large registry: no password is hashed at start, the registry is seeded in a few
 * statements, and each configured password is hashed once, at its gateway's first connect. Counted,
 * not timed.
 */
describe('registry seeding of a large fleet at start', () => {
  let opened: OpenedSqlDatabase;
  let registry: RegistryRepository;
  const estates: EstateSeed[] = FLEET.map((size, e) => ({
    id: `estate-${e}`,
    name: `Estate ${e}`,
    gateways: Array.from({ length: size }, (_, g) => ({ id: `gw-${e}-${g}`, password: `password-of-gw-${e}-${g}` })),
  }));

  beforeAll(async () => {
    opened = await pglite.open();
    await migrate(opened.db, silentLogger());
    registry = new RegistryRepository(opened.db);
  }, 120_000);

  afterAll(() => opened?.cleanup());

  it(`seeds ${FLEET.reduce((a, b) => a + b)} gateways with passwords without hashing one, in a few statements`, async () => {
    const hasher = new CountingHasher();
    const db = counting(opened.db);
    new ConfigGatewayPasswords(new RegistryRepository(db.db), estates, hasher);
    await seedRegistry(new RegistryRepository(db.db), estates);
    expect(hasher.hashes + hasher.verifies).toBe(0);
    // One statement per estate, and one per GATEWAYS_PER_STATEMENT gateways of it.
    expect(db.statements()).toBe(FLEET.reduce((sum, size) => sum + 1 + Math.ceil(size / GATEWAYS_PER_STATEMENT), 0));
    const { rows } = await opened.db.query<{ n: number; hashed: number }>('SELECT count(*)::int AS n, count(password_hash)::int AS hashed FROM gateways');
    expect(rows[0]).toEqual({ n: FLEET.reduce((a, b) => a + b), hashed: 0 });
    expect(await registry.getGateway('gw-1-1199')).toEqual({ id: 'gw-1-1199', estateId: 'estate-1', name: 'gw-1-1199' });
  });

  it("hashes a gateway's configured password once, at its first connect, however many connects arrive at once", async () => {
    const hasher = new CountingHasher();
    const check = new GatewayLoginCheck(opened.db, new ConfigGatewayPasswords(registry, estates, hasher));
    const results = await Promise.all(Array.from({ length: 4 }, () => check.verifyGatewayPassword('gw-0-42', 'password-of-gw-0-42')));
    expect(results).toEqual([true, true, true, true]);
    expect(await check.verifyGatewayPassword('gw-0-42', 'password-of-gw-0-43')).toBe(false);
    expect(await check.verifyGatewayPassword('gw-0-43', 'password-of-gw-0-42')).toBe(false);
    expect(hasher.hashes).toBe(2);
    expect(hasher.verifies).toBe(6);
    // The hash is kept in the registry: it counts there if a later config names no password.
    expect(await registry.verifyGatewayPassword('gw-0-42', 'password-of-gw-0-42')).toBe(true);
    const { rows } = await opened.db.query<{ hashed: number }>('SELECT count(password_hash)::int AS hashed FROM gateways');
    expect(rows[0]!.hashed).toBe(2);
  });

  it('takes the password the config names now over one stored from an earlier config, and the stored one when the config names none', async () => {
    await registry.upsertGateway({ id: 'gw-1-7', estateId: 'estate-1', name: 'gw-1-7', password: 'an-earlier-password' });
    await registry.upsertGateway({ id: 'gw-1-8', estateId: 'estate-1', name: 'gw-1-8', password: 'kept-from-before' });
    const withoutPassword = estates.map((estate) => ({ ...estate, gateways: estate.gateways.map((g) => (g.id === 'gw-1-8' ? { id: g.id } : g)) }));
    const check = new GatewayLoginCheck(opened.db, new ConfigGatewayPasswords(registry, withoutPassword, new CountingHasher()));
    expect(await check.verifyGatewayPassword('gw-1-7', 'an-earlier-password')).toBe(false);
    expect(await check.verifyGatewayPassword('gw-1-7', 'password-of-gw-1-7')).toBe(true);
    expect(await check.verifyGatewayPassword('gw-1-8', 'kept-from-before')).toBe(true);
    expect(await check.verifyGatewayPassword('gw-unknown', 'anything-at-all')).toBe(false);
  });
});
