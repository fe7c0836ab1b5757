import { SCHEMA_VERSION, toWireTime } from '../../shared/contract/index.js';

/**
 * Wire contract v1 messages of a simulated gateway, written as strings straight away: the simulator
 * sends some 1,500 messages a second at 10,000 gateways on the machine that also runs the cloud,
 * PostgreSQL and the broker, so it builds each payload by concatenation rather than through objects
 * and JSON.stringify. Every message is valid (the cloud's schema checks it; a test of the benchmark's
 * own would be the cloud rejecting them, which the benchmark counts and reports).
 */

/** Meters behind one simulated gateway, each read in turn: a message carries the next 50 of them. */
export const METERS_PER_GATEWAY = 300;
export const READINGS_PER_MESSAGE = 50;

export function benchGatewayId(index: number): string {
  return `gw-bench-${String(index).padStart(5, '0')}`;
}

function header(gatewayId: string, seq: number, sentAt: string): string {
  return `"schema_version":${SCHEMA_VERSION},"gateway_id":"${gatewayId}","seq":${seq},"sent_at":"${sentAt}"`;
}

/** A telemetry message of READINGS_PER_MESSAGE energy readings, item ids unique per run (`run`) and seq. */
export function telemetryPayload(gatewayId: string, seq: number, at: number, run: string): string {
  const time = toWireTime(at);
  const items: string[] = [];
  for (let i = 0; i < READINGS_PER_MESSAGE; i++) {
    const meter = (seq * READINGS_PER_MESSAGE + i) % METERS_PER_GATEWAY;
    items.push(`{"id":"reading-${run}-${seq}-${i}","device_id":"meter-${meter}","point":"energy_total","value":${1000 + seq + i / 100},"unit":"kWh","event_time":"${time}"}`);
  }
  return `{${header(gatewayId, seq, time)},"items":[${items.join(',')}]}`;
}

export function statusPayload(gatewayId: string, seq: number, at: number, uptimeS: number): string {
  const time = toWireTime(at);
  return `{${header(gatewayId, seq, time)},"status":{"online":true,"software_version":"bench","config_version":null,"uptime_s":${uptimeS},"outbox":{"depth":0,"oldest_unsent_age_s":null},"buses":[],"devices_offline":[],"watermark":"${time}"}}`;
}

export function eventPayload(gatewayId: string, seq: number, at: number, run: string): string {
  const time = toWireTime(at);
  const door = `door-${seq % 20}`;
  return `{${header(gatewayId, seq, time)},"items":[{"id":"event-${run}-${seq}","device_id":"${door}","subject":{"kind":"device","id":"${door}"},"type":"door_opened","event_time":"${time}","attributes":{}}]}`;
}

/** A lift alarm: a new episode, so a new ticket. */
export function alertPayload(gatewayId: string, seq: number, at: number, run: string): string {
  const time = toWireTime(at);
  const episode = `ep-${run}-${gatewayId}-${seq}`;
  return (
    `{${header(gatewayId, seq, time)},"items":[{"id":"alert-${run}-${seq}","episode_id":"${episode}","revision":1,"rule":"lift_entrapment",` +
    `"subject":{"kind":"asset","id":"lift-${gatewayId}"},"category":"lift_entrapment","severity":"critical","state":"raised","event_time":"${time}",` +
    `"reason":{"zh":"电梯困人","en":"Passenger trapped in the lift"},"evidence":{"door_zone":0}}]}`
  );
}
