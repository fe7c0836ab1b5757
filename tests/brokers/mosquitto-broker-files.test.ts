import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClientId, subscriptionFor, topicFor, UPLINK_CHANNELS } from '../../shared/contract/index.js';
import { systemClock } from '../../shared/time/clock.js';
import { loadOperatorCaller } from '../../cloud/access/operator-caller.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { URGENT_LANE_SUFFIX } from '../../cloud/config/cloud-config.js';
import { migrate } from '../../cloud/db/migrate.js';
import { openDatabase } from '../../cloud/db/open-database.js';
import type { SqlDatabase } from '../../cloud/db/sql-database.js';
import { GatewayCredentialService } from '../../cloud/registry/gateway-credential-service.js';
import { RegistryRepository } from '../../cloud/registry/registry-repository.js';
import { seedRegistry } from '../../cloud/registry/seed-registry.js';
import { ACL_FILE_NAME, PASSWORD_FILE_NAME } from '../../deploy/cli/commands/admin/broker-files.js';
import { runCli } from '../support/cli.js';
import { startMosquitto, type MosquittoInstance } from '../support/mosquitto.js';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { uniqueSlug } from '../support/wire-fixtures.js';
import { Probe, refusedConnect, type Login } from './mqtt-probe.js';

const ESTATE = 'harbour-view';
const GATEWAYS = { a: 'gw-harbour-a', b: 'gw-harbour-b', revoked: 'gw-harbour-c' } as const;
const SERVICE_PASSWORD = 'pw-cloud-service-of-the-config';
const DEPLOY_ACL = new URL('../../deploy/mosquitto/estatecare.acl', import.meta.url);
/** Starting Node and tsx, migrating and hashing: seconds on a busy machine. */
const CLI_RUN_MS = 120_000;

/** A "$7$" hash taken apart: algorithm, iterations, and the byte lengths of salt and key. */
function hashShape(hash: string): { algorithm: string; iterations: number; saltBytes: number; keyBytes: number } {
  const [empty, algorithm, iterations, salt, key] = hash.split('$');
  expect(empty).toBe('');
  return { algorithm: algorithm!, iterations: Number(iterations), saltBytes: Buffer.from(salt!, 'base64').length, keyBytes: Buffer.from(key!, 'base64').length };
}

/**
 * `estatecare admin broker-files` on a registry whose gateways an administrator issued passwords
 * to: the password file has mosquitto_passwd's form, the ACL is the shipped one, and a private
 * Mosquitto running on the two admits exactly the passwords in force, each to its own topics.
 */
describe('estatecare admin broker-files with Mosquitto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-broker-files-'));
  const outDir = join(dir, 'out');
  let database: TestPostgresDatabase;
  let db: SqlDatabase;
  let config: string;
  const passwords: Record<string, string> = {};
  let run: { code: number | null; stdout: string; stderr: string };
  let mosquitto: MosquittoInstance;
  let cloud: Probe;
  const opened: Probe[] = [];

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    config = join(dir, 'cloud.yaml');
    writeFileSync(
      config,
      [
        'broker:',
        '  embedded: false',
        '  url: mqtt://127.0.0.1:1883',
        `  username: ${SERVICE_USERNAME}`,
        'database:',
        `  url: ${database.url}`,
        'registry:',
        '  estates:',
        `    - id: ${ESTATE}`,
        '      name: Harbour View',
        '      gateways:',
        ...Object.values(GATEWAYS).map((id) => `        - id: ${id}`),
      ].join('\n'),
    );
    db = await openDatabase({ url: database.url });
    await migrate(db);
    await seedRegistry(new RegistryRepository(db), [{ id: ESTATE, name: 'Harbour View', gateways: Object.values(GATEWAYS).map((id) => ({ id })) }]);
    const credentials = new GatewayCredentialService(db, systemClock);
    const operator = await loadOperatorCaller(db);
    for (const id of Object.values(GATEWAYS)) passwords[id] = (await credentials.issue(operator, id)).password;
    await credentials.revoke(operator, GATEWAYS.revoked);

    const cli = runCli(['admin', 'broker-files', '--config', config, '--out', outDir], { ESTATECARE_BROKER_PASSWORD: SERVICE_PASSWORD });
    run = { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
    mosquitto = await startMosquitto({}, { files: { passwordFile: join(outDir, PASSWORD_FILE_NAME), aclFile: join(outDir, ACL_FILE_NAME) } });
    cloud = await Probe.connect(mosquitto.url, { username: SERVICE_USERNAME, password: SERVICE_PASSWORD, clientId: 'estatecare-cloud-ingest' });
    for (const channel of UPLINK_CHANNELS) expect(await cloud.subscribe(subscriptionFor(channel))).toBe('granted');
  }, CLI_RUN_MS);

  afterAll(async () => {
    await Promise.all(opened.map((probe) => probe.close()));
    await cloud?.close();
    await mosquitto?.stop();
    await db?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const loginOf = (gatewayId: string, password = passwords[gatewayId]!): Login => ({ username: gatewayId, password, clientId: gatewayClientId(gatewayId) });

  async function connect(gatewayId: string): Promise<Probe> {
    const probe = await Probe.connect(mosquitto.url, loginOf(gatewayId));
    opened.push(probe);
    return probe;
  }

  it("writes the cloud's two accounts (its connection's and its urgent lane's) and each gateway in force, in mosquitto_passwd's form, readable by its owner only", () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${PASSWORD_FILE_NAME}: 2 gateway(s) and the cloud's accounts ${SERVICE_USERNAME} and ${SERVICE_USERNAME}${URGENT_LANE_SUFFIX}`);
    const passwordFile = join(outDir, PASSWORD_FILE_NAME);
    const lines = readFileSync(passwordFile, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => line.split(':')[0])).toEqual([SERVICE_USERNAME, `${SERVICE_USERNAME}${URGENT_LANE_SUFFIX}`, GATEWAYS.a, GATEWAYS.b]);
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);

    const reference = join(dir, 'reference.passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', reference, 'someone', 'some password']);
    const [referenceLine] = readFileSync(reference, 'utf8').split('\n');
    const referenceShape = hashShape(referenceLine!.slice('someone:'.length));
    expect(referenceShape).toEqual({ algorithm: '7', iterations: 101, saltBytes: 12, keyBytes: 64 });
    for (const line of lines) {
      const hash = line.slice(line.indexOf(':') + 1);
      expect(hash).toMatch(/^\$7\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/);
      expect(hashShape(hash)).toEqual(referenceShape);
      for (const password of Object.values(passwords)) expect(line).not.toContain(password);
    }
  });

  it('names a missing --out and exits 2', async () => {
    const cli = runCli(['admin', 'broker-files', '--config', config]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('--out is required');
  }, CLI_RUN_MS);

  it('writes the ACL that deploy/mosquitto ships', () => {
    expect(readFileSync(join(outDir, ACL_FILE_NAME), 'utf8')).toBe(readFileSync(DEPLOY_ACL, 'utf8'));
  });

  it('admits the issued passwords and the cloud; refuses a wrong password and a revoked gateway', async () => {
    const gateway = await connect(GATEWAYS.a);
    const up = `up-${uniqueSlug('u')}`;
    expect(await gateway.publish(topicFor(GATEWAYS.a, 'alerts'), up)).toBe('acknowledged');
    expect((await cloud.waitFor(up)).topic).toBe(topicFor(GATEWAYS.a, 'alerts'));
    expect(await refusedConnect(mosquitto.url, loginOf(GATEWAYS.a, `${passwords[GATEWAYS.a]}-wrong`))).toMatch(/not authorized|bad username or password/i);
    expect(await refusedConnect(mosquitto.url, loginOf(GATEWAYS.a, passwords[GATEWAYS.b]))).toMatch(/not authorized|bad username or password/i);
    expect(await refusedConnect(mosquitto.url, loginOf(GATEWAYS.revoked))).toMatch(/not authorized|bad username or password/i);
  });

  it("keeps a gateway from publishing as another and from reading another's receipts", async () => {
    const victim = await connect(GATEWAYS.a);
    expect(await victim.subscribe(topicFor(GATEWAYS.a, 'receipts'))).toBe('granted');
    const intruder = await connect(GATEWAYS.b);
    // Mosquitto 2.0 grants any subscription and checks each message against the read rules.
    await intruder.subscribe(topicFor(GATEWAYS.a, 'receipts'));
    expect(await intruder.subscribe(topicFor(GATEWAYS.b, 'receipts'))).toBe('granted');

    const forged = `forged-${uniqueSlug('f')}`;
    await intruder.publish(topicFor(GATEWAYS.a, 'alerts'), forged);
    const receipt = `receipt-${uniqueSlug('r')}`;
    expect(await cloud.publish(topicFor(GATEWAYS.a, 'receipts'), receipt)).toBe('acknowledged');
    await victim.waitFor(receipt);
    // Markers sent after both: their arrival proves the broker had dealt with the forgery and the receipt.
    const intruderUp = `marker-up-${uniqueSlug('m')}`;
    expect(await intruder.publish(topicFor(GATEWAYS.b, 'status'), intruderUp)).toBe('acknowledged');
    await cloud.waitFor(intruderUp);
    const intruderDown = `marker-down-${uniqueSlug('m')}`;
    expect(await cloud.publish(topicFor(GATEWAYS.b, 'receipts'), intruderDown)).toBe('acknowledged');
    await intruder.waitFor(intruderDown);

    expect(cloud.received.map((message) => message.payload)).not.toContain(forged);
    expect(intruder.received.map((message) => message.payload)).toEqual([intruderDown]);
  });
});
