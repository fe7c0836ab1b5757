import { z } from 'zod';
import { GatewayIdSchema, LocalIdSchema } from '../../shared/contract/index.js';
import type { EnvOverrides } from '../../shared/config/load-config.js';
import { RetentionSettingsSchema } from '../telemetry/retention-settings.js';

/** Port of the embedded cloud broker: away from Mosquitto's 1883 so both can run on one machine. */
export const DEFAULT_EMBEDDED_BROKER_PORT = 18830;
/** Port of the HTTP API and console. */
export const DEFAULT_API_PORT = 8470;
export const DEFAULT_PGLITE_DIR = '.estatecare/cloud/db';
/**
 * Share group of the ingest subscriptions: none by default, for one cloud instance with a persistent
 * session (the broker queues for it while it restarts). With a group ("$share/{group}/..."), every
 * cloud instance that names it is one member of the group and the broker splits the gateways'
 * messages between the members connected. Each member has a clean session (Mosquitto 2.0 deals a
 * persistent member that is away its turn of the messages and queues them for it) and a last will
 * that is a new cloud presence, so when a member dies the gateways send again at once what it had
 * not answered, to the members still there; when no member is connected the gateways keep
 * everything until one subscribes and announces itself (README "Scaling out").
 */
export const DEFAULT_SHARE_GROUP = null;

const EmbeddedBrokerSchema = z.object({
  embedded: z.literal(true),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(DEFAULT_EMBEDDED_BROKER_PORT),
});

const ExternalBrokerSchema = z.object({
  embedded: z.literal(false),
  url: z.string().regex(/^mqtts?:\/\//, 'must be an mqtt:// or mqtts:// URL'),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /**
   * Unique per cloud instance: a second connection under the same id closes the first
   * [MQTT-3.1.4-2]. Mosquitto as deployed (use_username_as_clientid) takes the username as the
   * client id, so there each instance needs an account of its own.
   */
  client_id: z.string().min(1).default('estatecare-cloud-ingest'),
  /** Omit to subscribe without a share group (one instance, or a broker without $share support). */
  share_group: z.string().regex(/^[A-Za-z0-9_-]+$/).nullable().default(DEFAULT_SHARE_GROUP),
  /**
   * The login of the cloud's second connection, the urgent lane: alerts and status arrive
   * on it, with a receive window of their own, so no telemetry backlog delays them (README
   * "Ingest"). Each field left out is the connection's own with URGENT_LANE_SUFFIX: username and
   * client_id "estatecare-cloud-urgent" for "estatecare-cloud", and the same password. Mosquitto as
   * deployed takes the username as the client id, so the lane needs an account of its own
   * (`estatecare admin broker-files` writes it, deploy/mosquitto/estatecare.acl has its rules).
   */
  urgent_lane: z
    .object({
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      client_id: z.string().min(1).optional(),
    })
    .default({}),
});

/** What the urgent lane's username and client id add to the connection's own when the config names none. */
export const URGENT_LANE_SUFFIX = '-urgent';

/** The urgent lane's login on an external broker: the one configured, else the connection's own with URGENT_LANE_SUFFIX. */
export function urgentLaneLogin(broker: z.infer<typeof ExternalBrokerSchema>): { username?: string; password?: string; clientId: string } {
  const lane = broker.urgent_lane;
  const username = lane.username ?? (broker.username === undefined ? undefined : `${broker.username}${URGENT_LANE_SUFFIX}`);
  const password = lane.password ?? broker.password;
  return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }), clientId: lane.client_id ?? `${broker.client_id}${URGENT_LANE_SUFFIX}` };
}

const InfluxSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  database: z.string().regex(/^[A-Za-z0-9_-]+$/),
  username: z.string().optional(),
  password: z.string().optional(),
  retention_policy: z.string().optional(),
});

/**
 * InfluxDB 2.x or 3.x through its v2 write API (writes) and v1-compatible /query (InfluxQL reads):
 * cloud/telemetry/influx-v2-telemetry-store.ts.
 */
const InfluxV2Schema = z.object({
  url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }),
  /** An API token that may write and read the bucket; keep it in ESTATECARE_INFLUX_TOKEN. */
  token: z.string({ message: 'an API token is required (or set ESTATECARE_INFLUX_TOKEN)' }).min(1, 'an API token is required (or set ESTATECARE_INFLUX_TOKEN)'),
  /** The organisation the bucket belongs to; 2.x needs it, 3.x ignores it. */
  org: z.string().min(1).optional(),
  /** The bucket (2.x), or the database (3.x). */
  bucket: z.string({ message: 'the bucket (2.x) or database (3.x) to write to is required' }).min(1, 'the bucket (2.x) or database (3.x) to write to is required'),
});

const TelemetrySchema = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('sql') }),
  /** InfluxDB 1.x, or 2.x/3.x through the v1 compatibility API (username and password). */
  z.object({ backend: z.literal('influxdb'), influxdb: InfluxSchema }),
  z.object({ backend: z.literal('influxdb2'), influxdb2: InfluxV2Schema }),
]);

const GatewayEntrySchema = z.object({
  id: GatewayIdSchema,
  name: z.string().min(1).optional(),
  /**
   * The gateway's MQTT password for the embedded broker, until an administrator issues it one
   * through the API (POST /api/v1/gateways/{id}/credentials), which then counts alone. For the
   * embedded defaults of one machine (the demo); Mosquitto's password file holds only issued ones.
   */
  password: z.string().min(8).optional(),
});

const EstateEntrySchema = z.object({
  id: LocalIdSchema,
  name: z.string().min(1),
  gateways: z.array(GatewayEntrySchema).default([]),
});

export const CloudConfigSchema = z
  .object({
    broker: z.discriminatedUnion('embedded', [EmbeddedBrokerSchema, ExternalBrokerSchema]),
    database: z
      .object({
        /** PostgreSQL connection string; when set it wins over pglite_dir. */
        url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
        /** Folder of the embedded PGlite database. */
        pglite_dir: z.string().min(1).default(DEFAULT_PGLITE_DIR),
      })
      .default({ pglite_dir: DEFAULT_PGLITE_DIR }),
    telemetry: TelemetrySchema.default({ backend: 'sql' }),
    /** How long telemetry and tickets are kept (cloud/telemetry/retention-settings.ts; README, "Retention"). */
    retention: RetentionSettingsSchema,
    api: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(DEFAULT_API_PORT),
      })
      .default({ host: '127.0.0.1', port: DEFAULT_API_PORT }),
    /**
     * The console's address as staff reach it (behind the TLS reverse proxy), for the link in every
     * notification: https://care.example.com. Without it, links point at the API's own address.
     */
    public_url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }).optional(),
    /** Estates and their gateways, registered (upserted) at start. */
    registry: z.object({ estates: z.array(EstateEntrySchema).default([]) }).default({ estates: [] }),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.registry.estates.forEach((estate, e) =>
      estate.gateways.forEach((gateway, g) => {
        if (seen.has(gateway.id)) {
          ctx.addIssue({ code: 'custom', path: ['registry', 'estates', e, 'gateways', g, 'id'], message: `gateway "${gateway.id}" is listed twice` });
        }
        seen.add(gateway.id);
      }),
    );
  });

export type CloudConfig = z.infer<typeof CloudConfigSchema>;
export type CloudConfigInput = z.input<typeof CloudConfigSchema>;

/** Secrets an operator keeps out of the YAML file. */
export const CLOUD_ENV_OVERRIDES: EnvOverrides = {
  'database.url': 'ESTATECARE_DATABASE_URL',
  'broker.password': 'ESTATECARE_BROKER_PASSWORD',
  'telemetry.influxdb.password': 'ESTATECARE_INFLUX_PASSWORD',
  'telemetry.influxdb2.token': 'ESTATECARE_INFLUX_TOKEN',
};
