import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../cloud/db/migrate.js';
import { MIGRATIONS } from '../../cloud/db/migrations/index.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import { createTestPostgresDatabase } from '../support/postgres.js';

const ALL_MIGRATIONS = MIGRATIONS.map((m) => m.id);

describe('migrate on PostgreSQL', () => {
  it('two instances migrating one fresh database at once: one applies everything, the other nothing', async () => {
    const database = await createTestPostgresDatabase();
    const first = await openDatabase({ url: database.url });
    const second = await openDatabase({ url: database.url });
    try {
      const results = await Promise.all([migrate(first), migrate(second)]);
      expect([...results].sort((a, b) => b.length - a.length)).toEqual([ALL_MIGRATIONS, []]);
      const { rows } = await first.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(ALL_MIGRATIONS);
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });

  it('rolls back a failing migration entirely and records nothing of it', async () => {
    const database = await createTestPostgresDatabase();
    const db = await openDatabase({ url: database.url });
    try {
      const broken = { id: '999-broken', statements: ['CREATE TABLE half_done (id int)', 'SELECT * FROM no_such_table'] };
      await expect(migrate(db, undefined, [...MIGRATIONS, broken])).rejects.toThrow(/no_such_table/);
      const { rows } = await db.query<{ present: boolean }>(
        `SELECT to_regclass('half_done') IS NOT NULL AS present`,
      );
      expect(rows[0]?.present).toBe(false);
      expect(await migrate(db)).toEqual(ALL_MIGRATIONS);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});

describe('migrate on PGlite', () => {
  it('takes the advisory lock, applies once, and the data folder keeps the schema across reopening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'estatecare-pglite-'));
    try {
      const db = await openDatabase({ pglite_dir: join(dir, 'db') });
      expect(await migrate(db)).toEqual(ALL_MIGRATIONS);
      await db.query(`INSERT INTO estates (id, name) VALUES ('e1', 'Estate')`);
      await db.close();
      const reopened = await openDatabase({ pglite_dir: join(dir, 'db') });
      expect(await migrate(reopened)).toEqual([]);
      expect((await reopened.query<{ name: string }>('SELECT name FROM estates')).rows).toEqual([{ name: 'Estate' }]);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000); // two PGlite instances on disk, each starting its WebAssembly Postgres: 30 s and more on a busy 2-core machine
});

describe('openDatabase', () => {
  it('fails at once, naming the database without its password, when PostgreSQL does not answer', async () => {
    const error = await openDatabase({ url: 'postgres://app:hunter2@127.0.0.1:9/estatecare' }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^cannot reach the database at postgres:\/\/app:\*\*\*@127\.0\.0\.1:9\/estatecare/);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
