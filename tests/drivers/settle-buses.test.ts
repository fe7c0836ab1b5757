import { describe, expect, it } from 'vitest';
import { serialSettings, type FieldBus } from '../../edge/bus/bus-config.js';
import { describeLine } from '../../edge/bus/serial-line.js';
import { DeviceConfigSchema } from '../../edge/config/device-config.js';
import { bindDevices } from '../../edge/drivers/bind-devices.js';
import { settleBuses } from '../../edge/drivers/settle-buses.js';
import { SHIPPED_PROTOCOLS } from '../../edge/drivers/shipped-protocols.js';
import { loadProfiles } from '../../edge/profiles/load-profiles.js';
import { validateConfig } from '../../shared/config/load-config.js';
import { GatewayConfigSchema } from '../../edge/config/gateway-config.js';
import { createGateway } from '../../edge/gateway.js';
import { PROFILES_DIR, tempDataDir } from '../edge/edge-fixtures.js';
import { capturedLog } from './captured-log.js';

const profiles = loadProfiles(PROFILES_DIR);

/** The buses as the gateway would settle them, with the given devices (profile per address) on bus "line". */
function settle(bus: Record<string, unknown>, profileIds: string[]) {
  const buses = [SHIPPED_PROTOCOLS.busConfigSchema.parse({ id: 'line', transport: 'serial', protocol: 'modbus_rtu', path: '/dev/serial/by-id/x', ...bus })];
  const configs = profileIds.map((profile, index) => DeviceConfigSchema.parse({ id: `d${index + 1}`, profile, subject: { kind: 'unit', id: `hh-${index + 1}` }, bus: 'line', address: index + 1 }));
  const log = capturedLog();
  const [settled] = settleBuses(buses, bindDevices(configs, profiles, buses, 'test'), { logger: log.logger });
  return { bus: settled as FieldBus & { transport: 'serial' }, log };
}

describe('serial line defaults from the profiles of the devices on a bus', () => {
  it('runs a line of Eastron SDM120s at the 2400 8N1 they ship with when the bus sets nothing', () => {
    const { bus, log } = settle({}, ['eastron_sdm120', 'eastron_sdm120']);
    expect(describeLine(serialSettings(bus))).toBe('2400 8N1');
    expect(log.at('info')).toEqual([expect.objectContaining({ bus: 'line', line: '2400 8N1', profiles: ['eastron_sdm120'] })]);
    expect(log.at('warn')).toEqual([]);
  });

  it('keeps what the bus config sets, and takes the rest from the profiles', () => {
    const { bus, log } = settle({ baud_rate: 9600 }, ['eastron_sdm120']);
    expect(describeLine(serialSettings(bus))).toBe('9600 8N1');
    expect(log.at('info')[0]).toMatchObject({ from_profiles: ['data_bits', 'parity', 'stop_bits'] });
  });

  it('uses the protocol default where profiles disagree, warning once per setting, and the agreed rest', () => {
    // SDM120 ships at 2400 baud, SDM630 at 9600; both 8N1.
    const { bus, log } = settle({}, ['eastron_sdm120', 'eastron_sdm630', 'eastron_sdm120']);
    expect(describeLine(serialSettings(bus))).toBe('9600 8N1');
    expect(log.at('warn')).toEqual([
      expect.objectContaining({ bus: 'line', setting: 'baud_rate', profiles: { 2400: ['eastron_sdm120'], 9600: ['eastron_sdm630'] }, using: 9600, msg: expect.stringContaining('set baud_rate on the bus') }),
    ]);
  });

  it('says nothing about a disagreement the bus config settles', () => {
    const { bus, log } = settle({ baud_rate: 2400 }, ['eastron_sdm120', 'eastron_sdm630']);
    expect(describeLine(serialSettings(bus))).toBe('2400 8N1');
    expect(log.at('warn')).toEqual([]);
  });

  it("keeps the protocol's default line for profiles that name none", () => {
    const { bus, log } = settle({}, ['lift_monitor_modbus_vendor']);
    expect(describeLine(serialSettings(bus))).toBe('9600 8E1');
    expect(log.lines).toEqual([]);
  });

  it('warns when the gateway is built, before anything opens a port', () => {
    const log = capturedLog();
    const device = (id: string, profile: string, address: number) => ({ id, profile, subject: { kind: 'unit', id }, bus: 'rs485-1', address });
    const config = validateConfig(
      GatewayConfigSchema,
      {
        gateway: { id: 'gw-line' },
        data_dir: tempDataDir(),
        uplink: { url: 'mqtt://127.0.0.1:1' },
        buses: [{ id: 'rs485-1', transport: 'serial', protocol: 'modbus_rtu', path: '/dev/serial/by-id/not-plugged-in' }],
        devices: [device('m1', 'eastron_sdm120', 1), device('m2', 'eastron_sdm630', 2)],
      },
      'test',
      { env: {} },
    );
    createGateway(config, { logger: log.logger, profilesDir: PROFILES_DIR });
    expect(log.at('warn').filter((line) => line.setting !== undefined)).toEqual([expect.objectContaining({ gateway: 'gw-line', bus: 'rs485-1', setting: 'baud_rate' })]);
  });
});
