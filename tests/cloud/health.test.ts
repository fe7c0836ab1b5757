import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import type { Cloud } from '../../cloud/cloud-service.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { eventually } from '../support/net.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { startPrivateInfluxDb, type PrivateInfluxDb } from '../support/private-influxdb.js';
import { startTestCloud } from '../support/test-cloud.js';

interface Health {
  status: 'ok' | 'degraded';
  checks: { database: boolean; telemetry: boolean; broker: boolean };
}

/** /healthz as a load balancer sees it, with real dependencies stopped and started under it. */
describe('/healthz with a dependency down', () => {
  const passwords = { [SERVICE_USERNAME]: 'pw-health-cloud' };
  let mosquitto: MosquittoInstance;
  let influx: PrivateInfluxDb;
  let postgres: TestPostgresDatabase;
  let cloud: Cloud;

  beforeAll(async () => {
    [mosquitto, influx, postgres] = await Promise.all([startMosquitto(passwords), startPrivateInfluxDb(), createTestPostgresDatabase()]);
    cloud = await startTestCloud({
      brokerUrl: mosquitto.url,
      servicePassword: passwords[SERVICE_USERNAME],
      databaseUrl: postgres.url,
      gatewayIds: [],
      influx: { url: influx.url, database: 'estatecare_health' },
    });
  });

  afterAll(async () => {
    await cloud?.stop();
    await Promise.allSettled([mosquitto?.stop(), influx?.destroy(), postgres?.drop()]);
  });

  const health = async (): Promise<{ code: number; body: Health }> => {
    const response = await fetch(`${cloud.apiUrl}/healthz`);
    return { code: response.status, body: (await response.json()) as Health };
  };

  it('answers 200 with everything up', async () => {
    expect(await health()).toEqual({ code: 200, body: expect.objectContaining({ status: 'ok', checks: { database: true, telemetry: true, broker: true } }) });
  });

  it('answers 503 naming InfluxDB while it is stopped, and 200 once it is back', async () => {
    await influx.stop();
    expect(await health()).toEqual({ code: 503, body: expect.objectContaining({ status: 'degraded', checks: { database: true, telemetry: false, broker: true } }) });
    await influx.start();
    expect(await health()).toMatchObject({ code: 200, body: { checks: { telemetry: true } } });
  });

  it('answers 503 naming the broker once the cloud has lost its connection, and 200 once it has reconnected', async () => {
    await mosquitto.halt();
    const down = await eventually('the cloud to notice the broker is gone', async () => {
      const answer = await health();
      return answer.code === 503 ? answer : undefined;
    });
    expect(down.body.checks).toEqual({ database: true, telemetry: true, broker: false });
    await mosquitto.restart();
    await eventually('the cloud to reconnect', async () => (await health()).code === 200, 30_000);
  });
});
