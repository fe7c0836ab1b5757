import { CLOUD_PRESENCE_TOPIC, DOWNLINK_CHANNELS, TOPIC_ROOT, UPLINK_CHANNELS } from '../../shared/contract/index.js';
import { URGENT_LANE_SUFFIX } from '../config/cloud-config.js';
import { SERVICE_USERNAME } from './embedded-cloud-broker.js';

/** Mosquitto's stand-in for the username in an ACL pattern (mosquitto.conf(5), acl_file). */
const USERNAME = '%u';

/**
 * The Mosquitto ACL of the cloud broker: the rules of broker-access.ts, which the embedded broker
 * applies, in Mosquitto's acl_file form. deploy/mosquitto/estatecare.acl is this text for the
 * default service accounts (tests/brokers/ holds the two equal), and `estatecare admin broker-files`
 * writes it for the accounts the cloud config names: the cloud's connection and its urgent lane's
 * (cloud/config/cloud-config.ts urgentLaneLogin), each with the same rules.
 */
export function mosquittoAcl(serviceUsername: string = SERVICE_USERNAME, urgentLaneUsername: string = `${serviceUsername}${URGENT_LANE_SUFFIX}`): string {
  for (const username of [serviceUsername, urgentLaneUsername]) {
    if (/\s/.test(username)) throw new Error(`a Mosquitto ACL username cannot hold white space: ${JSON.stringify(username)}`);
  }
  const serviceRules = (username: string): string[] => [
    `user ${username}`,
    ...UPLINK_CHANNELS.map((channel) => `topic read ${TOPIC_ROOT}/+/${channel}`),
    ...DOWNLINK_CHANNELS.map((channel) => `topic write ${TOPIC_ROOT}/+/${channel}`),
    `topic write ${CLOUD_PRESENCE_TOPIC}`,
  ];
  return [
    '# Access rules of the estatecare cloud broker (wire contract v1, shared/contract/topics.ts).',
    '# Written by `estatecare admin broker-files` (cloud/broker/mosquitto-acl.ts) from the rules the',
    '# embedded broker applies (cloud/broker/broker-access.ts).',
    '',
    "# The cloud service account: reads every gateway's uplink, writes their config and receipts.",
    ...serviceRules(serviceUsername),
    '',
    "# The cloud's urgent lane, its second connection (alerts, status): the same rules.",
    ...serviceRules(urgentLaneUsername),
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
