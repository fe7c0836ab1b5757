import pg from 'pg';
import { serviceUnavailable, uniqueName } from './service-unavailable.js';

export const DEFAULT_TEST_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgresDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, ending any session still connected to it. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env.ESTATECARE_TEST_PG_URL ?? DEFAULT_TEST_PG_ADMIN_URL;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = adminUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw serviceUnavailable('PostgreSQL', url, error);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a throwaway database with a random name on the test server (ESTATECARE_TEST_PG_URL overrides the admin URL). */
export async function createTestPostgresDatabase(): Promise<TestPostgresDatabase> {
  const name = uniqueName('estatecare_test');
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a failed test left open.
    drop: () => withAdmin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
