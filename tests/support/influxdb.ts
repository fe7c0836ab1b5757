import { serviceUnavailable, uniqueName } from './service-unavailable.js';

export const DEFAULT_TEST_INFLUX_URL = 'http://127.0.0.1:8086';

export interface TestInfluxDatabase {
  url: string;
  database: string;
  drop(): Promise<void>;
}

function influxUrl(): string {
  return process.env.ESTATECARE_TEST_INFLUX_URL ?? DEFAULT_TEST_INFLUX_URL;
}

/** Runs one InfluxQL statement through the v1 /query endpoint; throws on an HTTP or statement error. */
async function influxStatement(url: string, statement: string): Promise<void> {
  const response = await fetch(new URL('/query', url), {
    method: 'POST',
    body: new URLSearchParams({ q: statement }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.text();
  if (!response.ok || body.includes('"error"')) throw new Error(`InfluxDB refused "${statement}": ${response.status} ${body}`);
}

/** Creates a throwaway InfluxDB database with a random name (ESTATECARE_TEST_INFLUX_URL overrides the URL). */
export async function createTestInfluxDatabase(): Promise<TestInfluxDatabase> {
  const url = influxUrl();
  try {
    const ping = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(3_000) });
    if (ping.status !== 204) throw new Error(`/ping answered ${ping.status}`);
  } catch (error) {
    throw serviceUnavailable('InfluxDB', url, error);
  }
  const database = uniqueName('estatecare_test');
  await influxStatement(url, `CREATE DATABASE "${database}"`);
  return { url, database, drop: () => influxStatement(url, `DROP DATABASE "${database}"`) };
}
