import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Caller } from '../../../../cloud/access/caller.js';
import { SERVICE_USERNAME } from '../../../../cloud/broker/embedded-cloud-broker.js';
import { URGENT_LANE_SUFFIX, urgentLaneLogin } from '../../../../cloud/config/cloud-config.js';
import { mosquittoAcl } from '../../../../cloud/broker/mosquitto-acl.js';
import { mosquittoPasswordFile, mosquittoPasswordHash, type MosquittoAccount } from '../../../../cloud/broker/mosquitto-password.js';
import type { CloudConfig } from '../../../../cloud/config/cloud-config.js';
import type { GatewayCredentialService } from '../../../../cloud/registry/gateway-credential-service.js';
import { AppError } from '../../../../cloud/platform/app-error.js';

/** The names deploy/mosquitto/estatecare.conf gives the two files (password_file, acl_file). */
export const PASSWORD_FILE_NAME = 'estatecare.passwd';
export const ACL_FILE_NAME = 'estatecare.acl';

/** Replaces the file in one step, so a Mosquitto reloading meanwhile reads the old file or the new one, never half of one. */
function replaceFile(path: string, text: string, mode: number): void {
  const temp = `${path}.tmp`;
  writeFileSync(temp, text);
  chmodSync(temp, mode);
  renameSync(temp, path);
}

/**
 * `estatecare admin broker-files`: Mosquitto's password file and ACL from the registry. The password
 * file holds every gateway credential in force (the hash made when it was issued) and, when the
 * config gives the cloud's own broker login (broker.username, broker.password or
 * ESTATECARE_BROKER_PASSWORD), the cloud's two accounts: its connection's and its urgent lane's
 * (cloud-config.ts urgentLaneLogin: the same password unless broker.urgent_lane names one); the ACL
 * is the embedded broker's rules with those accounts. A gateway revoked is simply absent. The password file is written readable by its owner
 * only: it holds hashes of every gateway's password.
 */
export async function writeBrokerFiles(
  credentials: Pick<GatewayCredentialService, 'mosquittoHashes'>,
  operator: Caller,
  config: CloudConfig,
  outDir: string,
  write: (line: string) => void,
): Promise<void> {
  const broker = config.broker;
  const serviceUsername = (!broker.embedded && broker.username) || SERVICE_USERNAME;
  const servicePassword = broker.embedded ? undefined : broker.password;
  const urgentLane = broker.embedded ? undefined : urgentLaneLogin(broker);
  const urgentUsername = urgentLane?.username ?? `${serviceUsername}${URGENT_LANE_SUFFIX}`;
  const urgentPassword = urgentLane?.password;
  const gateways = await credentials.mosquittoHashes(operator);
  const clash = gateways.find((gateway) => gateway.gatewayId === serviceUsername || gateway.gatewayId === urgentUsername);
  if (clash) throw new AppError('conflict', 'username_taken', `gateway ${clash.gatewayId} has one of the cloud's broker usernames; register it under another id`);
  const accounts: MosquittoAccount[] = gateways.map((gateway) => ({ username: gateway.gatewayId, hash: gateway.mosquittoHash }));
  if (urgentPassword !== undefined) accounts.unshift({ username: urgentUsername, hash: await mosquittoPasswordHash(urgentPassword) });
  if (servicePassword !== undefined) accounts.unshift({ username: serviceUsername, hash: await mosquittoPasswordHash(servicePassword) });

  mkdirSync(outDir, { recursive: true });
  const passwordFile = join(outDir, PASSWORD_FILE_NAME);
  const aclFile = join(outDir, ACL_FILE_NAME);
  replaceFile(passwordFile, mosquittoPasswordFile(accounts), 0o600);
  replaceFile(aclFile, mosquittoAcl(serviceUsername, urgentUsername), 0o644);
  const cloudAccounts = [...(servicePassword === undefined ? [] : [serviceUsername]), ...(urgentPassword === undefined ? [] : [urgentUsername])];
  write(`wrote ${passwordFile}: ${gateways.length} gateway(s)${cloudAccounts.length === 0 ? '' : ` and the cloud's account${cloudAccounts.length > 1 ? 's' : ''} ${cloudAccounts.join(' and ')}`}`);
  if (servicePassword === undefined) {
    write(`no password for the cloud's accounts ${serviceUsername} and ${urgentUsername} in the config (broker.password or ESTATECARE_BROKER_PASSWORD): add them with mosquitto_passwd`);
  }
  write(`wrote ${aclFile}`);
  write('install both where estatecare.conf names them (password_file, acl_file), readable by the mosquitto user, then reload Mosquitto (SIGHUP)');
}
