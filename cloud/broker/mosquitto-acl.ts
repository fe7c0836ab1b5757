import { CLOUD_PRESENCE_TOPIC, DOWNLINK_CHANNELS, TOPIC_ROOT, UPLINK_CHANNELS } from '../../shared/contract/index.js';
import { SERVICE_USERNAME } from './embedded-cloud-broker.js';

/** Mosquitto's stand-in for the username in an ACL pattern (mosquitto.conf(5), acl_file). */
const USERNAME = '%u';

/**
 * The Mosquitto ACL of the cloud broker: the rules of broker-access.ts, which the embedded broker
 * applies, in Mosquitto's acl_file form. deploy/mosquitto/estatecare.acl is this text for the
 * default service account (tests/brokers/ holds the two equal), and `estatecare admin broker-files`
 * writes it for the account the cloud config names.
 */
export function mosquittoAcl(serviceUsername: string = SERVICE_USERNAME): string {
  if (/\s/.test(serviceUsername)) throw new Error(`a Mosquitto ACL username cannot hold white space: ${JSON.stringify(serviceUsername)}`);
  return [
    '# Access rules of the estatecare cloud broker (wire contract v1, shared/contract/topics.ts).',
    '# Written by `estatecare admin broker-files` (cloud/broker/mosquitto-acl.ts) from the rules the',
    '# embedded broker applies (cloud/broker/broker-access.ts).',
    '',
    "# The cloud service account: reads every gateway's uplink, writes their config and receipts.",
    `user ${serviceUsername}`,
    ...UPLINK_CHANNELS.map((channel) => `topic read ${TOPIC_ROOT}/+/${channel}`),
    ...DOWNLINK_CHANNELS.map((channel) => `topic write ${TOPIC_ROOT}/+/${channel}`),
    `topic write ${CLOUD_PRESENCE_TOPIC}`,
    '',
    '# Every gateway (username = gateway id): writes only its own uplink, reads only its own config and',
    '# receipts.',
    ...UPLINK_CHANNELS.map((channel) => `pattern write ${TOPIC_ROOT}/${USERNAME}/${channel}`),
    ...DOWNLINK_CHANNELS.map((channel) => `pattern read ${TOPIC_ROOT}/${USERNAME}/${channel}`),
    '',
    "# The cloud's presence (CLOUD_PRESENCE_TOPIC in shared/contract/topics.ts): the cloud writes it",
    '# (above), every gateway reads it.',
    `pattern read ${CLOUD_PRESENCE_TOPIC}`,
    '',
  ].join('\n');
}
