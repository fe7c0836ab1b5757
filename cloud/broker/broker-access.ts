import { CLOUD_PRESENCE_TOPIC, DOWNLINK_CHANNELS, TOPIC_ROOT, gatewayClientId, topicFor, UPLINK_CHANNELS, parseTopic } from '../../shared/contract/index.js';

/**
 * Who may do what on the cloud broker, as pure functions so the embedded broker and the Mosquitto
 * ACL in deploy/ say the same thing (tests/brokers/ runs one suite against both):
 * - a gateway (MQTT username = its id) publishes only its own uplink channels and subscribes only to
 *   its own downlink topics (config, receipts) and to the cloud's presence;
 * - the cloud service account publishes the downlink channels and its presence, and subscribes to
 *   every gateway's uplink channels.
 */
export type BrokerPrincipal = { kind: 'gateway'; gatewayId: string } | { kind: 'service' };

/** Client ids of the cloud's own connections start with this; no gateway may use one. */
export const SERVICE_CLIENT_ID_PREFIX = 'estatecare-cloud';

export function mayPublish(principal: BrokerPrincipal, topic: string): boolean {
  if (topic === CLOUD_PRESENCE_TOPIC) return principal.kind === 'service';
  const parsed = parseTopic(topic);
  if (!parsed) return false;
  if (principal.kind === 'service') return (DOWNLINK_CHANNELS as readonly string[]).includes(parsed.channel);
  return parsed.gatewayId === principal.gatewayId && (UPLINK_CHANNELS as readonly string[]).includes(parsed.channel);
}

export function maySubscribe(principal: BrokerPrincipal, topicFilter: string): boolean {
  if (principal.kind === 'service') return topicFilter.startsWith(`${TOPIC_ROOT}/`);
  return topicFilter === CLOUD_PRESENCE_TOPIC || DOWNLINK_CHANNELS.some((channel) => topicFilter === topicFor(principal.gatewayId, channel));
}

/**
 * A client id belongs to one login, so nobody can take over another's connection (a second CONNECT
 * with a client id in use closes the first, MQTT-3.1.4-2): a gateway connects only as
 * estatecare-gw-<its id>, the cloud only under SERVICE_CLIENT_ID_PREFIX. Mosquitto gets the same
 * effect from use_username_as_clientid (deploy/mosquitto/estatecare.conf).
 */
export function mayUseClientId(principal: BrokerPrincipal, clientId: string): boolean {
  if (principal.kind === 'service') return clientId.startsWith(SERVICE_CLIENT_ID_PREFIX);
  return clientId === gatewayClientId(principal.gatewayId);
}
