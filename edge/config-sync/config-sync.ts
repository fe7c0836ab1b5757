import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_RULES_CONFIG,
  RulesConfigSchema,
  WireError,
  decodeMessage,
  describeZodIssues,
  topicFor,
  type RulesConfig,
} from '../../shared/contract/index.js';
import type { Component } from '../../shared/lifecycle/component.js';
import type { Logger } from '../../shared/log/logger.js';
import { PersistedRulesConfig } from './persisted-rules-config.js';

/** Where the config in force came from. */
export type ConfigOrigin = 'cloud' | 'local_file' | 'defaults';

export interface ConfigInForce {
  rules: RulesConfig;
  /** Reported in the gateway status; null on the built-in defaults. */
  version: string | null;
  origin: ConfigOrigin;
}

export interface ConfigMessages {
  onConfigMessage(listener: (payload: Buffer) => void): () => void;
}

export interface ConfigSyncOptions {
  gatewayId: string;
  dataDir: string;
  /** A YAML or JSON file with the rules config, used until the cloud has sent one. */
  localFile: string | undefined;
  messages: ConfigMessages;
  /** Told the config at start and every time a new one is taken. */
  apply: (config: ConfigInForce) => void;
  logger: Logger;
}

/**
 * Keeps the gateway on the right rules config (care profiles and rule parameters come from the
 * cloud as the retained, versioned config message):
 * 1. at start: the last good config from the cloud, kept on disk; else the local file; else defaults;
 * 2. a config message is validated with the wire contract (and must name this gateway); a bad one is
 *    refused, counted and logged, and the config in force stays;
 * 3. a good one with another version is saved to disk first, then applied.
 */
export class ConfigSync implements Component {
  readonly name = 'config-sync';
  private readonly persisted: PersistedRulesConfig;
  private current: ConfigInForce = { rules: DEFAULT_RULES_CONFIG, version: null, origin: 'defaults' };
  private unsubscribe: (() => void) | null = null;
  rejected = 0;

  constructor(private readonly options: ConfigSyncOptions) {
    this.persisted = new PersistedRulesConfig(options.dataDir);
  }

  get inForce(): ConfigInForce {
    return this.current;
  }

  async start(): Promise<void> {
    this.current = this.initial();
    this.options.logger.info({ version: this.current.version, origin: this.current.origin }, 'rules config in force');
    this.options.apply(this.current);
    this.unsubscribe = this.options.messages.onConfigMessage((payload) => this.receive(payload));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private initial(): ConfigInForce {
    const stored = this.persisted.load();
    if (stored.config) return { rules: stored.config.rules, version: stored.config.config_version, origin: 'cloud' };
    if (stored.problem) this.options.logger.warn({ problem: stored.problem }, 'stored cloud config unusable; falling back');
    if (this.options.localFile) return this.fromLocalFile(this.options.localFile);
    return { rules: DEFAULT_RULES_CONFIG, version: null, origin: 'defaults' };
  }

  /** A bad local file stops the start with every problem listed: the operator wrote it for this box. */
  private fromLocalFile(file: string): ConfigInForce {
    const text = readFileSync(file, 'utf8');
    const parsed = RulesConfigSchema.safeParse(parseYaml(text) ?? {});
    if (!parsed.success) throw new Error(`rules config file ${file}: ${describeZodIssues(parsed.error)}`);
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 8);
    return { rules: parsed.data, version: `local-${digest}`, origin: 'local_file' };
  }

  private receive(payload: Buffer): void {
    const { gatewayId, logger } = this.options;
    if (payload.length === 0) return; // a retained message being cleared
    try {
      const decoded = decodeMessage(topicFor(gatewayId, 'config'), payload);
      if (decoded.channel !== 'config') return;
      const body = decoded.message.config;
      if (body.config_version === this.current.version) return;
      this.persisted.save(body);
      this.current = { rules: body.rules, version: body.config_version, origin: 'cloud' };
      logger.info({ version: body.config_version }, 'new rules config from the cloud');
      this.options.apply(this.current);
    } catch (error) {
      this.rejected += 1;
      const reason = error instanceof WireError ? `${error.reason}: ${error.message}` : (error as Error).message;
      logger.warn({ reason }, 'config message refused; the config in force stays');
    }
  }
}
