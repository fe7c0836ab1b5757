import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfiles } from '../../edge/profiles/load-profiles.js';
import type { MqttDeviceProfile } from '../../edge/drivers/mqtt/mqtt-profile.js';
import type { DeviceRef } from '../../edge/model/device-data.js';

/**
 * A gateway data_dir of its own (outbox, rule state), removed when the test process exits: a test
 * gateway must never find another run's outbox in the default data_dir.
 */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-gw-data-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The shipped catalogue, as the gateway loads it. */
export const PROFILES_DIR = fileURLToPath(new URL('../../device-profiles', import.meta.url));

export function shippedProfile(id: string): MqttDeviceProfile {
  const profile = loadProfiles(PROFILES_DIR).get(id);
  if (!profile || profile.driver !== 'mqtt') throw new Error(`no shipped mqtt profile ${id}`);
  return profile;
}

export const LIFT: DeviceRef = { id: 'lift-b1-a', subject: { kind: 'asset', id: 'lift-b1-a' } };
export const GATE_DOOR: DeviceRef = { id: 'door-b1-main', subject: { kind: 'asset', id: 'b1-entrance' } };
export const FLAT_DOOR: DeviceRef = { id: 'door-b1-1203', subject: { kind: 'unit', id: 'hh-7f3a' } };

/** 2026-11-24T08:00:00.000Z, the reference instant of the edge tests. */
export const T0 = Date.parse('2026-11-24T08:00:00.000Z');

export function bytes(value: unknown): Buffer {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}
