import { UPLINK_CHANNELS, type UplinkChannel } from '../../shared/contract/index.js';
import type { CloudConnections } from '../platform/cloud-platform.js';

/** A lane of ingest: the connection it takes messages from, and the uplink channels it subscribes to there. */
export type IngestLane = keyof CloudConnections;

/**
 * Which channels arrive on which of the cloud's connections. Alerts (a ticket each, alert-to-ticket
 * within a second), events and status (small, stored as they come) on the urgent lane; telemetry
 * (50 readings a message, ten times the messages of the rest together at issue 14's load) and the
 * hourly household activity on the telemetry lane. Each connection holds its own window of
 * messages in flight, so a telemetry backlog (a slow store, a drain after an outage) fills only the
 * telemetry lane's, and the broker goes on delivering the urgent lane's messages.
 */
export const INGEST_LANES: Readonly<Record<IngestLane, readonly UplinkChannel[]>> = {
  urgent: ['alerts', 'events', 'status'],
  telemetry: ['telemetry', 'activity'],
};

/** Every uplink channel is on exactly one lane. */
const laned = Object.values(INGEST_LANES).flat();
if (laned.length !== UPLINK_CHANNELS.length || UPLINK_CHANNELS.some((channel) => !laned.includes(channel))) {
  throw new Error(`every uplink channel must be on exactly one ingest lane: ${UPLINK_CHANNELS.join(', ')} against ${laned.join(', ')}`);
}
