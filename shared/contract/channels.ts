import type { z } from 'zod';
import type { Channel } from './topics.js';
import {
  ActivityMessageSchema,
  AlertsMessageSchema,
  ConfigMessageSchema,
  EventsMessageSchema,
  ReceiptsMessageSchema,
  StatusMessageSchema,
} from './envelope.js';
import { CompiledTelemetryMessageSchema } from './compiled-telemetry.js';

interface ChannelSpec<S extends z.ZodType> {
  schema: S;
  qos: 0 | 1;
  retain: boolean;
  /** Lower drains first from the gateway's outbox: alerts before events before telemetry before activity. */
  priority: number;
}

/** The typed map from channel to payload schema and delivery rules: the MQTT contract in one place. */
export const CHANNEL_SPECS = {
  alerts: { schema: AlertsMessageSchema, qos: 1, retain: false, priority: 0 },
  events: { schema: EventsMessageSchema, qos: 1, retain: false, priority: 1 },
  telemetry: { schema: CompiledTelemetryMessageSchema, qos: 1, retain: false, priority: 2 },
  // After telemetry: a new priority, since an outbox row keeps the priority it was written with.
  activity: { schema: ActivityMessageSchema, qos: 1, retain: false, priority: 3 },
  status: { schema: StatusMessageSchema, qos: 1, retain: true, priority: 0 },
  config: { schema: ConfigMessageSchema, qos: 1, retain: true, priority: 0 },
  receipts: { schema: ReceiptsMessageSchema, qos: 1, retain: false, priority: 0 },
} as const satisfies { [C in Channel]: ChannelSpec<z.ZodType> };

export type ChannelMessage<C extends Channel> = z.infer<(typeof CHANNEL_SPECS)[C]['schema']>;
