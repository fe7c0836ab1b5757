import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../shared/time/clock.js';
import { OnlineStatusSchema } from '../../shared/contract/index.js';
import type { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { buildTestApi } from '../support/test-api.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME } from '../support/wire-fixtures.js';
import { bearer, staffToken } from '../support/staff-tokens.js';

const pglite = SQL_BACKENDS.find((backend) => backend.name === 'pglite')!;
const ESTATE = 'bus-estate';

/** A status as a gateway sends it (parsed by the wire schema, so the fixture cannot drift from the wire). */
const onlineStatus = OnlineStatusSchema.parse({
  online: true,
  software_version: '1.4.0',
  config_version: '7',
  uptime_s: 86_400,
  outbox: { depth: 0, oldest_unsent_age_s: null },
  buses: [
    {
      bus_id: 'rs485-1',
      transactions: 52_000,
      timeouts: 37,
      checksum_errors: 4,
      exception_replies: 12,
      transport_errors: 1,
      devices: 30,
      devices_offline: 2,
      writes_refused: 0,
      refused_points: [{ device_id: 'meter-12', point: 'energy_total', refusals: 12, last_code: 2 }],
    },
    { bus_id: 'tcp:10.0.0.8:502', transactions: 900, timeouts: 0, checksum_errors: 0, exception_replies: 0, transport_errors: 0, devices: 1, devices_offline: 0, writes_refused: 3 },
  ],
  devices_offline: ['meter-12', 'meter-19'],
  watermark: '2026-11-24T07:59:00.000Z',
});

/** Fleet health for facilities: each gateway's bus counters and devices offline, over HTTP. */
describe('HTTP API: bus counters in the gateway view', () => {
  let opened: OpenedSqlDatabase;
  let app: FastifyInstance;
  let registry: RegistryRepository;
  let facilities: { authorization: string };
  const clock = new ManualClock(BASE_TIME);

  beforeAll(async () => {
    opened = await pglite.open();
    const api = await buildTestApi(opened.db, clock);
    app = api.app;
    registry = api.registry;
    await registry.upsertEstate({ id: ESTATE, name: 'Bus Gardens' });
    for (const id of ['gw-bus-online', 'gw-bus-down', 'gw-bus-quiet']) await registry.upsertGateway({ id, estateId: ESTATE, name: id });
    await registry.recordStatus('gw-bus-online', onlineStatus, clock.now());
    await registry.recordStatus('gw-bus-down', onlineStatus, clock.now() - 60_000);
    await registry.recordStatus('gw-bus-down', { online: false, reason: 'connection_lost' }, clock.now());
    facilities = bearer(await staffToken(opened.db, [{ estateId: ESTATE, role: 'facilities' }], clock));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await opened?.cleanup();
  });

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: facilities });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as Record<string, unknown>;
  };

  it('GET /gateways/{id} shows every bus counter and the devices offline of the last online status', async () => {
    const view = await get('/api/v1/gateways/gw-bus-online');
    expect(view.buses).toEqual(onlineStatus.buses);
    expect(view.devices_offline).toEqual(['meter-12', 'meter-19']);
  });

  it('the fleet list carries the same counters', async () => {
    const { gateways } = (await get(`/api/v1/gateways?estate_id=${ESTATE}`)) as { gateways: Array<Record<string, unknown>> };
    expect(gateways.find((g) => g.id === 'gw-bus-online')?.buses).toEqual(onlineStatus.buses);
  });

  it('has no counters for a gateway never seen or offline now (they restart with it)', async () => {
    expect(await get('/api/v1/gateways/gw-bus-quiet')).toMatchObject({ uplink: 'never_seen', buses: null, devices_offline: [] });
    expect(await get('/api/v1/gateways/gw-bus-down')).toMatchObject({ uplink: 'offline', buses: null, devices_offline: [] });
  });
});
