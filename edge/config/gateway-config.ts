import { z } from 'zod';
import type { EnvOverrides } from '../../shared/config/load-config.js';
import { GatewayIdSchema } from '../../shared/contract/index.js';
import { SHIPPED_PROFILES_DIR } from '../../shared/package-root.js';
import { SHIPPED_PROTOCOLS } from '../drivers/shipped-protocols.js';
import { DeviceConfigSchema } from './device-config.js';
import { checkDeviceCredentials, LocalBrokerSchema } from './local-broker-config.js';
import { MqttUrlSchema } from './mqtt-url-schema.js';

export { DeviceConfigSchema, type DeviceConfig } from './device-config.js';
export { DEFAULT_LOCAL_BROKER_HOST, DEFAULT_LOCAL_BROKER_PORT } from './local-broker-config.js';

/** MQTT keepalive towards the cloud broker, in seconds [MQTT-3.1.2-24: the broker drops us after 1.5x]. */
export const DEFAULT_UPLINK_KEEPALIVE_S = 30;
/** How often the retained online status is refreshed, in seconds. */
export const DEFAULT_STATUS_INTERVAL_S = 60;
/** Wait between reconnect attempts to the cloud broker, in milliseconds. */
export const DEFAULT_RECONNECT_PERIOD_MS = 2000;
/** The profiles shipped with the software, wherever the gateway is started from. */
export const DEFAULT_PROFILES_DIR = SHIPPED_PROFILES_DIR;
/** Where the gateway keeps its state: rule state (SQLite), recordings, the last good rules config. */
export const DEFAULT_DATA_DIR = '.estatecare/gateway';

/** Disk budget of the gateway's outbox (edge/outbox/sqlite-outbox.ts, "Disk budget"): 256 MiB. */
export const DEFAULT_OUTBOX_MAX_BYTES = 256 * 1024 * 1024;
/** Share of the uplink the telemetry backlog may use (edge/uplink/uplink-client.ts, drain limit). */
export const DEFAULT_OUTBOX_DRAIN_SHARE = 0.5;

/**
 * How long the gateway waits for the cloud's receipt of a message before sending it again, in
 * seconds; while none come the wait doubles up to DEFAULT_RECEIPT_MAX_TIMEOUT_S (edge/uplink/receipt-tracker.ts).
 * A minute covers a cloud that is storing a backlog; a cloud whose stores are down holds messages
 * longer, and the doubling keeps the copies few.
 */
export const DEFAULT_RECEIPT_TIMEOUT_S = 60;
export const DEFAULT_RECEIPT_MAX_TIMEOUT_S = 600;

/** Secrets an operator keeps out of the YAML file: config path -> environment variable. */
export const GATEWAY_ENV_OVERRIDES: EnvOverrides = {
  'uplink.password': 'ESTATECARE_UPLINK_PASSWORD',
};

const UplinkSchema = z.object({
  url: MqttUrlSchema,
  /** Defaults to the gateway id (a gateway's MQTT username is its id: shared/contract/README.md); filled in below. */
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  keepalive_s: z.number().int().min(5).max(3600).default(DEFAULT_UPLINK_KEEPALIVE_S),
  status_interval_s: z.number().min(1).max(3600).default(DEFAULT_STATUS_INTERVAL_S),
  reconnect_period_ms: z.number().int().min(100).max(600_000).default(DEFAULT_RECONNECT_PERIOD_MS),
  /**
   * Delete sent items from the outbox only when the cloud's receipt names them (true, the default:
   * a broker that loses the cloud's session cannot make the gateway drop data); false deletes them on
   * the broker's PUBACK, for an uplink whose consumer sends no receipts.
   */
  wait_for_receipts: z.boolean().default(true),
  receipt_timeout_s: z.number().min(1).max(3600).default(DEFAULT_RECEIPT_TIMEOUT_S),
});

const OutboxSchema = z.object({
  /** Stored bytes at which telemetry is thinned, then evicted oldest first; alerts and events never are. */
  max_bytes: z.number().int().min(64 * 1024).default(DEFAULT_OUTBOX_MAX_BYTES),
  /** 0 < share <= 1: after a telemetry batch took T ms to be acknowledged, the next waits T*(1/share - 1). */
  drain_share: z.number().gt(0).max(1).default(DEFAULT_OUTBOX_DRAIN_SHARE),
});

export const GatewayConfigSchema = z
  .object({
    gateway: z.object({ id: GatewayIdSchema }),
    uplink: UplinkSchema,
    /** Where estate devices publish over MQTT, and who may (local-broker-config.ts). */
    local_broker: LocalBrokerSchema,
    profiles_dir: z.string().min(1).default(DEFAULT_PROFILES_DIR),
    data_dir: z.string().min(1).default(DEFAULT_DATA_DIR),
    outbox: OutboxSchema.default({ max_bytes: DEFAULT_OUTBOX_MAX_BYTES, drain_share: DEFAULT_OUTBOX_DRAIN_SHARE }),
    /**
     * Record every rule-engine input as JSON Lines in data_dir/recordings/YYYY-MM-DD.jsonl, for
     * `estatecare backtest`. They hold household signals: they stay on the gateway.
     */
    record_inputs: z.boolean().default(false),
    /**
     * Rule parameters and care profiles (YAML, shared/contract/rules-config.ts) used until the cloud
     * has sent a config; the cloud's, once received, is kept in data_dir and wins.
     */
    rules_config_file: z.string().min(1).optional(),
    /** Bus protocols: those of the shipped protocol folders (edge/drivers/shipped-protocols.ts). */
    buses: z.array(SHIPPED_PROTOCOLS.busConfigSchema).default([]),
    devices: z.array(DeviceConfigSchema).default([]),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => checkDeviceCredentials(config.local_broker, config.devices, ctx))
  .transform((config) => ({
    ...config,
    uplink: { ...config.uplink, username: config.uplink.username ?? config.gateway.id },
  }));

/** The input shape (what YAML may omit) and the parsed shape (defaults filled in). */
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
export type GatewayConfig = z.output<typeof GatewayConfigSchema>;
