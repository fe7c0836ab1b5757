import { z } from 'zod';

/** A broker address in the gateway config: the cloud's (uplink.url) or a local broker's. */
export const MqttUrlSchema = z.string().regex(/^mqtts?:\/\/[^/\s]+/, 'must be an mqtt:// or mqtts:// URL');
