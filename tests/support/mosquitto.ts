import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { SERVICE_USERNAME } from '../../cloud/broker/embedded-cloud-broker.js';
import { URGENT_LANE_SUFFIX } from '../../cloud/config/cloud-config.js';

const DEPLOY_CONF = new URL('../../deploy/mosquitto/estatecare.conf', import.meta.url);
const DEPLOY_ACL = new URL('../../deploy/mosquitto/estatecare.acl', import.meta.url);

export interface MosquittoInstance {
  url: string;
  port: number;
  /** Stops the broker as an operator would (SIGTERM: it saves its sessions); restart() brings it back. */
  halt(): Promise<void>;
  /** Starts it again on the same port with the same users, ACL and (with persistence) saved sessions. */
  restart(): Promise<void>;
  /**
   * With `files`: installs them again and has Mosquitto reload them (SIGHUP), as an operator does
   * after `estatecare admin broker-files`; resolves once Mosquitto has said it reloads. Its one thread
   * finishes the reload before it reads another packet, so a CONNECT sent after this meets the new files.
   */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a private Mosquitto with the production config and ACL of deploy/mosquitto, on a free
 * loopback port, with the given users in its password file. Each test file gets its own broker, so
 * ACL behaviour is tested as deployed and parallel tests never see each other's traffic.
 */
export interface MosquittoOptions {
  /**
   * Adds OBSERVER, an account that reads every gateway's traffic, to the password file and to a copy
   * of the shipped ACL. A test's observer needs its own account: the shipped config binds client ids
   * to usernames (use_username_as_clientid), so a second login as the cloud would displace it.
   */
  observer?: boolean;
  /**
   * false runs without persistence, as a broker that loses its sessions on restart (a crash between
   * autosaves, persistence left off): the cloud's queued messages are gone after restart().
   */
  persistence?: boolean;
  /**
   * The password file and ACL as `estatecare admin broker-files` wrote them, installed (copied,
   * readable by Mosquitto's own user) instead of a password file made from `users` and the shipped ACL.
   */
  files?: { passwordFile: string; aclFile: string };
  /**
   * More cloud service accounts (each also needs its password in `users`), each given the shipped
   * ACL's rules of the cloud's account: cloud instances in a share group each log in with an account
   * of their own, since use_username_as_clientid makes the username the client id.
   */
  cloudAccounts?: string[];
}

export const OBSERVER = { username: 'estatecare-test-observer', password: 'pw-test-observer' } as const;

export async function startMosquitto(users: Record<string, string>, options: MosquittoOptions = {}): Promise<MosquittoInstance> {
  assertInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-mosquitto-'));
  const port = await freePort();
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  const installFiles = (files: { passwordFile: string; aclFile: string }): void => {
    copyFileSync(files.passwordFile, passwordFile);
    copyFileSync(files.aclFile, aclFile);
    for (const file of [passwordFile, aclFile]) chmodSync(file, 0o644);
  };
  if (options.files) {
    installFiles(options.files);
  } else {
    writeFileSync(passwordFile, '');
    const accounts = withUrgentLaneAccounts(options.observer ? { ...users, [OBSERVER.username]: OBSERVER.password } : users, options.cloudAccounts ?? []);
    for (const [user, password] of Object.entries(accounts)) {
      execFileSync('mosquitto_passwd', ['-b', passwordFile, user, password]);
    }
    const observerRules = options.observer ? `\n# Test observer (tests/support/mosquitto.ts)\nuser ${OBSERVER.username}\ntopic read estatecare/v1/gw/#\n` : '';
    const shippedAcl = readFileSync(DEPLOY_ACL, 'utf8');
    const cloudRules = (options.cloudAccounts ?? [])
      .flatMap((account) => [account, `${account}${URGENT_LANE_SUFFIX}`])
      .map((account) => `\n# Cloud instance account (tests/support/mosquitto.ts)\n${cloudAccountRules(shippedAcl, account)}`)
      .join('');
    writeFileSync(aclFile, `${shippedAcl}${observerRules}${cloudRules}`);
  }
  const conf = readFileSync(DEPLOY_CONF, 'utf8')
    .replace(/^password_file .*$/m, `password_file ${passwordFile}`)
    .replace(/^acl_file .*$/m, `acl_file ${aclFile}`)
    .replace(/^listener .*$/m, `listener ${port} 127.0.0.1`)
    // Persistence as deployed, in this broker's own folder: a restart keeps the cloud's session.
    .replace(/^persistence .*$/m, options.persistence === false ? 'persistence false' : `persistence true\npersistence_location ${dir}/`);
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, conf);
  // Started as root, Mosquitto drops to its own user before it reads the password and ACL files.
  chmodSync(dir, 0o1777); // and writes its persistence file there
  for (const file of [passwordFile, aclFile, confFile]) chmodSync(file, 0o644);
  let child = await spawnBroker(confFile, port);
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    halt: () => end('SIGTERM'),
    async restart() {
      await end('SIGTERM');
      child = await spawnBroker(confFile, port);
    },
    async reload() {
      if (!options.files) throw new Error('reload() installs the files given as options.files; this broker has none');
      installFiles(options.files);
      const reloading = logLine(child, /Reloading config\./);
      child.kill('SIGHUP');
      await reloading;
    },
    async stop() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts Mosquitto on a config file and resolves once it listens on the port; fails saying how to install it otherwise. */
export async function spawnBroker(confFile: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, 10_000);
  } catch {
    child.kill('SIGKILL');
    throw new Error(`Mosquitto did not start on port ${port}: ${stderr.trim() || 'no output'} (is it installed? bash deploy/dev/ensure-services.sh)`);
  }
  return child;
}

/** Resolves at the next line of Mosquitto's log (its standard error) matching the pattern; rejects if it exits first. */
function logLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (!pattern.test(seen)) return;
      done();
      resolve();
    };
    const onExit = (): void => {
      done();
      reject(new Error(`Mosquitto exited before logging ${pattern}: ${seen.trim() || 'no output'}`));
    };
    const done = (): void => {
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** The shipped ACL's block of the cloud's account (its user line to the next blank line), for another username. */
/**
 * The users with, for each cloud account among them (the shipped one and `cloudAccounts`), its
 * urgent lane's account under the same password, as the cloud logs in by default
 * (cloud/config/cloud-config.ts urgentLaneLogin) and `estatecare admin broker-files` writes it.
 */
function withUrgentLaneAccounts(users: Record<string, string>, cloudAccounts: readonly string[]): Record<string, string> {
  const lanes = Object.entries(users)
    .filter(([user]) => user === SERVICE_USERNAME || cloudAccounts.includes(user))
    .map(([user, password]) => [`${user}${URGENT_LANE_SUFFIX}`, password] as const);
  return { ...Object.fromEntries(lanes), ...users };
}

function cloudAccountRules(shippedAcl: string, username: string): string {
  const block = shippedAcl.match(/^user estatecare-cloud\n(?:.+\n)+/m);
  if (!block) throw new Error('the shipped ACL has no block for the estatecare-cloud account');
  return block[0].replace(/^user .*$/m, `user ${username}`);
}

function assertInstalled(): void {
  try {
    execFileSync('mosquitto', ['-h'], { stdio: 'ignore' });
  } catch (error) {
    // mosquitto -h exits 3 after printing help; only a missing binary throws ENOENT.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('mosquitto is not installed. Run: bash deploy/dev/ensure-services.sh (as root)');
    }
  }
}
