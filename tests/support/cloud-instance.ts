import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validateConfig } from '../../shared/config/load-config.js';
import { CloudConfigSchema, type CloudConfigInput } from '../../cloud/config/cloud-config.js';
import { runCli, type CliRun } from './cli.js';

export interface CloudInstanceOptions {
  /** Names the instance in failures and its config file. */
  name: string;
  /** Folder for the config file. */
  dir: string;
  brokerUrl: string;
  /** The instance's own broker account; also its client id (Mosquitto as deployed takes the username anyway). */
  username: string;
  password: string;
  /** null: no share group (one instance with a persistent session). */
  shareGroup: string | null;
  databaseUrl: string;
  estate: { id: string; name: string };
  gatewayIds: readonly string[];
}

/** Starting a cloud (tsx, migrations, the registry seed) on a busy two-core machine. */
const START_TIMEOUT_MS = 120_000;

/**
 * One cloud instance run as an operator runs it, `estatecare cloud --config <file>`, in its own
 * process, so it can be killed with SIGKILL (no DISCONNECT, nothing flushed) and started again on
 * the same config. Its log (JSON lines on stdout) tells which tickets it opened.
 */
export class CloudInstance {
  readonly runs: CliRun[] = [];
  private readonly configFile: string;

  constructor(readonly options: CloudInstanceOptions) {
    const config: CloudConfigInput = {
      broker: {
        embedded: false,
        url: options.brokerUrl,
        username: options.username,
        password: options.password,
        client_id: options.username,
        share_group: options.shareGroup,
      },
      database: { url: options.databaseUrl },
      api: { host: '127.0.0.1', port: 0 },
      registry: { estates: [{ ...options.estate, gateways: options.gatewayIds.map((id) => ({ id })) }] },
      log_level: 'info',
    };
    // Checked here, so a mistake shows in the test rather than as the child's exit status.
    validateConfig(CloudConfigSchema, config, `${options.name} config`, { env: {} });
    this.configFile = join(options.dir, `${options.name}.yaml`);
    writeFileSync(this.configFile, stringify(config));
  }

  get name(): string {
    return this.options.name;
  }

  /** The run in progress, if any. */
  get current(): CliRun | undefined {
    const last = this.runs[this.runs.length - 1];
    return last && last.child.exitCode === null && last.child.signalCode === null ? last : undefined;
  }

  /** Starts a run and resolves once it has subscribed and announced itself ("cloud started"). */
  async start(): Promise<void> {
    if (this.current) throw new Error(`${this.name} is already running`);
    const run = runCli(['cloud', '--config', this.configFile]);
    this.runs.push(run);
    await run.waitForLine(/"msg":"cloud started"/, START_TIMEOUT_MS);
  }

  /** SIGKILL: the broker sees the connection drop without a DISCONNECT. */
  async kill(): Promise<void> {
    const run = this.current;
    if (!run) throw new Error(`${this.name} is not running`);
    run.child.kill('SIGKILL');
    await run.exited;
  }

  /** SIGTERM: the clean stop an operator's service manager does. */
  async stop(): Promise<void> {
    const run = this.current;
    if (!run) return;
    run.child.kill('SIGTERM');
    await run.exited;
  }

  /** Ids of the tickets this instance opened, over all its runs. */
  ticketsOpened(): string[] {
    return this.runs.flatMap((run) =>
      run
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"msg":"ticket opened"'))
        .map((line) => (JSON.parse(line) as { ticket: string }).ticket),
    );
  }

  /** The last characters of each run's output, for a failure message. */
  log(tail = 3000): string {
    return this.runs.map((run, i) => `--- ${this.name} run ${i} stdout:\n${run.stdout().slice(-tail)}\n--- stderr:\n${run.stderr().slice(-tail)}`).join('\n');
  }
}
