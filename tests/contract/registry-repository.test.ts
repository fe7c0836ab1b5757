import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayStatus } from '../../shared/contract/index.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { hashPassword, verifyPassword } from '../../shared/security/password-hash.js';
import { SQL_BACKENDS, type OpenedSqlDatabase } from '../support/sql-backends.js';
import { BASE_TIME, uniqueSlug } from '../support/wire-fixtures.js';

const onlineStatus = (watermark: string | null): GatewayStatus => ({
  online: true,
  software_version: '0.1.0',
  config_version: 'cfg-3',
  uptime_s: 3600,
  outbox: { depth: 2, oldest_unsent_age_s: 1.5 },
  buses: [{ bus_id: 'rs485-1', transactions: 10, timeouts: 1, checksum_errors: 0, exception_replies: 0, transport_errors: 0, devices: 4, devices_offline: 1, writes_refused: 0 }],
  devices_offline: ['meter-9'],
  watermark,
});

for (const backend of SQL_BACKENDS) {
  describe(`RegistryRepository on ${backend.name}`, () => {
    let opened: OpenedSqlDatabase;
    let registry: RegistryRepository;

    beforeAll(async () => {
      opened = await backend.open();
      registry = new RegistryRepository(opened.db);
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    async function register(password?: string): Promise<{ estateId: string; gatewayId: string }> {
      const estateId = uniqueSlug('estate');
      const gatewayId = uniqueSlug('gw');
      await registry.upsertEstate({ id: estateId, name: `碧水湾 ${estateId}` });
      await registry.upsertGateway({ id: gatewayId, estateId, name: 'Block A gateway', password });
      return { estateId, gatewayId };
    }

    it('upserts estates and gateways; getGateway returns the estate from the registry', async () => {
      const { estateId, gatewayId } = await register();
      expect(await registry.getGateway(gatewayId)).toEqual({ id: gatewayId, estateId, name: 'Block A gateway' });
      const otherEstate = uniqueSlug('estate');
      await registry.upsertEstate({ id: otherEstate, name: 'Other' });
      await registry.upsertGateway({ id: gatewayId, estateId: otherEstate, name: 'Moved' });
      expect(await registry.getGateway(gatewayId)).toEqual({ id: gatewayId, estateId: otherEstate, name: 'Moved' });
      expect(await registry.getGateway(uniqueSlug('unknown'))).toBeNull();
    });

    it('refuses a gateway of an estate that is not registered', async () => {
      await expect(registry.upsertGateway({ id: uniqueSlug('gw'), estateId: uniqueSlug('nowhere'), name: 'x' })).rejects.toThrow();
    });

    it('verifies a gateway password, and keeps it when an upsert names none', async () => {
      const { estateId, gatewayId } = await register('s3cret-passw0rd');
      expect(await registry.verifyGatewayPassword(gatewayId, 's3cret-passw0rd')).toBe(true);
      expect(await registry.verifyGatewayPassword(gatewayId, 's3cret-passw0rD')).toBe(false);
      expect(await registry.verifyGatewayPassword(gatewayId, '')).toBe(false);
      await registry.upsertGateway({ id: gatewayId, estateId, name: 'Renamed' });
      expect(await registry.verifyGatewayPassword(gatewayId, 's3cret-passw0rd')).toBe(true);
      await registry.upsertGateway({ id: gatewayId, estateId, name: 'Renamed', password: 'new-passw0rd' });
      expect(await registry.verifyGatewayPassword(gatewayId, 's3cret-passw0rd')).toBe(false);
      expect(await registry.verifyGatewayPassword(gatewayId, 'new-passw0rd')).toBe(true);
    });

    it('says no for an unknown gateway or one without a password', async () => {
      const { gatewayId } = await register();
      expect(await registry.verifyGatewayPassword(gatewayId, 'anything')).toBe(false);
      expect(await registry.verifyGatewayPassword(uniqueSlug('unknown'), 'anything')).toBe(false);
    });

    it('records status: online with watermark, then offline keeping the watermark; a late older status is ignored', async () => {
      const { estateId, gatewayId } = await register();
      const watermark = '2026-11-24T07:59:00.000Z';
      const online = onlineStatus(watermark);
      // The envelope's sent_at, 95 s ahead of the receipt: the gateway's clock offset.
      await registry.recordStatus(gatewayId, online, BASE_TIME, BASE_TIME + 95_000);
      let [record] = await registry.listGatewayStatus({ estateId });
      expect(record).toEqual({
        id: gatewayId,
        estateId,
        name: 'Block A gateway',
        online: true,
        status: online,
        watermark: Date.parse(watermark),
        lastSeenAt: BASE_TIME,
        updatedAt: BASE_TIME,
        gatewaySentAt: BASE_TIME + 95_000,
        clockOffsetMs: 95_000,
      });

      const offline: GatewayStatus = { online: false, reason: 'connection_lost' };
      // The last will's sent_at is from when the gateway connected: no clock measurement.
      await registry.recordStatus(gatewayId, offline, BASE_TIME + 60_000, BASE_TIME - 3_600_000);
      [record] = await registry.listGatewayStatus({ estateId });
      expect(record).toMatchObject({ online: false, status: offline, watermark: Date.parse(watermark), lastSeenAt: BASE_TIME + 60_000, clockOffsetMs: 95_000 });

      await registry.recordStatus(gatewayId, onlineStatus('2026-11-24T07:00:00.000Z'), BASE_TIME + 30_000);
      [record] = await registry.listGatewayStatus({ estateId });
      expect(record).toMatchObject({ online: false, status: offline, lastSeenAt: BASE_TIME + 60_000 });
    });

    it('lists gateways that never reported as offline with no status', async () => {
      const { estateId, gatewayId } = await register();
      const second = uniqueSlug('gw');
      await registry.upsertGateway({ id: second, estateId, name: 'Block B gateway' });
      await registry.recordStatus(second, onlineStatus(null), BASE_TIME);
      const records = await registry.listGatewayStatus({ estateId });
      expect(records.map((r) => r.id).sort()).toEqual([gatewayId, second].sort());
      expect(records.find((r) => r.id === gatewayId)).toEqual({
        id: gatewayId,
        estateId,
        name: 'Block A gateway',
        online: false,
        status: null,
        watermark: null,
        lastSeenAt: null,
        updatedAt: null,
        gatewaySentAt: null,
        clockOffsetMs: null,
      });
      expect(records.find((r) => r.id === second)).toMatchObject({ online: true, watermark: null });
    });
  });
}

describe('password hashes', () => {
  it('are salted: one password hashes differently each time, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('pw-123456'), hashPassword('pw-123456')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('pw-123456', a)).toBe(true);
    expect(await verifyPassword('pw-123456', b)).toBe(true);
  });

  it('a malformed stored hash verifies nothing', async () => {
    expect(await verifyPassword('pw', 'plain-text')).toBe(false);
    expect(await verifyPassword('pw', 'scrypt$x$8$1$c2FsdA==$a2V5')).toBe(false);
    expect(await verifyPassword('pw', 'scrypt$16384$8$1$c2FsdA==$')).toBe(false);
  });
});
