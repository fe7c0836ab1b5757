import { CLOUD_PRESENCE_TOPIC, SCHEMA_VERSION, toWireTime, type CloudPresence } from '../../shared/contract/index.js';
import { newId } from '../../shared/ids.js';
import type { Clock } from '../../shared/time/clock.js';

/** A message the cloud publishes on its MQTT connection. */
export interface CloudMqttMessage {
  topic: string;
  payload: string;
}

/** Presence is retained, so a gateway that connects later is given the newest (shared/contract/cloud-presence.ts). */
export const CLOUD_PRESENCE_PUBLISH_OPTIONS = { qos: 1, retain: true } as const;

/**
 * A cloud presence with a session id no gateway has seen: every gateway that receives it sends again
 * at once whatever still awaits a receipt (edge/uplink/cloud-presence-watch.ts).
 */
export function newCloudPresence(clock: Clock): CloudMqttMessage {
  const presence: CloudPresence = { schema_version: SCHEMA_VERSION, session_id: newId(), since: toWireTime(clock.now()) };
  return { topic: CLOUD_PRESENCE_TOPIC, payload: JSON.stringify(presence) };
}
