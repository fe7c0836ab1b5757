import { z } from 'zod';
import { ItemIdSchema, WireTimeSchema } from './identifiers.js';
import { SCHEMA_VERSION } from './envelope.js';
import { describeZodIssues } from './decode.js';
import { WireError } from './wire-error.js';

/**
 * The cloud's presence on CLOUD_PRESENCE_TOPIC (retained, QoS 1). The cloud publishes it with a new
 * session id each time it has subscribed to the gateways' channels: at every start, and after a
 * reconnect on which the broker no longer had its session (a broker restarted without persistence
 * forgets the subscription and everything queued for it). Several cloud instances in a share group
 * also publish one when an instance leaves the group: the broker as the instance's last will, or
 * the instance itself at a clean stop; what the broker had handed that instance and it had not
 * acknowledged is gone. Anything a gateway published before that moment may never reach the cloud,
 * so a gateway that sees a new session id sends again at once what awaits a receipt, instead of
 * waiting for the receipt timeout.
 */
export const CloudPresenceSchema = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  /** New at every (re)subscription of the cloud; opaque. */
  session_id: ItemIdSchema,
  /** When the cloud subscribed (its clock). */
  since: WireTimeSchema,
});
export type CloudPresence = z.infer<typeof CloudPresenceSchema>;

/** Reads a presence message; throws WireError naming what is wrong. */
export function decodeCloudPresence(payload: Uint8Array): CloudPresence {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (error) {
    throw new WireError('not_json', `presence is not JSON: ${(error as Error).message}`);
  }
  const result = CloudPresenceSchema.safeParse(json);
  if (!result.success) throw new WireError('schema_violation', describeZodIssues(result.error));
  return result.data;
}
