import { UPLINK_CHANNELS, type UplinkChannel } from '../../shared/contract/index.js';
import type { CloudConnections } from '../platform/cloud-platform.js';

/** A lane of ingest: the connection it takes messages from, and the uplink channels it subscribes to there. */
export type IngestLane = keyof CloudConnections;

/**
 * Which channels arrive on which of the cloud's connections, by the store each goes to. Alerts (a
 * ticket each, alert-to-ticket within a second) and status (the gateway directory) go to PostgreSQL
 * and come in on the urgent lane; telemetry (50 readings a message, the bulk of the traffic), events
 * and the hourly household activity go to the telemetry store and come in on the telemetry lane.
 * Each connection holds its own window of messages in flight, so a telemetry backlog (a slow store,
 * a drain after an outage) fills only the telemetry lane's, and the broker goes on delivering the
 * urgent lane's messages. Events stay with the store they are written to: while InfluxDB is down
 * every event is held, and on the urgent lane they would fill its window (at 10,000 gateways, an
 * event every 30 s each, within 6 s) and hold the alerts behind them at the broker.
 */
export const INGEST_LANES: Readonly<Record<IngestLane, readonly UplinkChannel[]>> = {
  urgent: ['alerts', 'status'],
  telemetry: ['telemetry', 'events', 'activity'],
};

/** Every uplink channel is on exactly one lane. */
const laned = Object.values(INGEST_LANES).flat();
if (laned.length !== UPLINK_CHANNELS.length || UPLINK_CHANNELS.some((channel) => !laned.includes(channel))) {
  throw new Error(`every uplink channel must be on exactly one ingest lane: ${UPLINK_CHANNELS.join(', ')} against ${laned.join(', ')}`);
}
