import { z } from 'zod';
import { CHANNEL_SPECS, type ChannelMessage } from './channels.js';
import { MAX_MESSAGE_BYTES } from './envelope.js';
import { toStorableText } from './storable-text.js';
import { parseTopic, type Channel } from './topics.js';
import { WireError } from './wire-error.js';

export type DecodedMessage = {
  [C in Channel]: { channel: C; gatewayId: string; message: ChannelMessage<C> };
}[Channel];

/**
 * Decodes one MQTT message of the contract. Checks, in order: topic shape, size, JSON, schema, and
 * that the gateway named by the topic is the one named in the payload. Throws WireError naming the
 * first thing wrong; the error text lists every schema problem with its path.
 */
export function decodeMessage(topic: string, payload: Uint8Array): DecodedMessage {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic) throw new WireError('unknown_topic', `topic "${topic}" is not part of wire contract v1`);
  if (payload.byteLength > MAX_MESSAGE_BYTES) {
    throw new WireError('too_large', `payload of ${payload.byteLength} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (error) {
    throw new WireError('not_json', `payload is not JSON: ${(error as Error).message}`);
  }
  const spec = CHANNEL_SPECS[parsedTopic.channel];
  const result = spec.schema.safeParse(json);
  if (!result.success) {
    throw new WireError('schema_violation', describeZodIssues(result.error));
  }
  if (result.data.gateway_id !== parsedTopic.gatewayId) {
    throw new WireError(
      'gateway_mismatch',
      `topic names gateway "${parsedTopic.gatewayId}" but payload names "${result.data.gateway_id}"`,
    );
  }
  return { channel: parsedTopic.channel, gatewayId: parsedTopic.gatewayId, message: result.data } as DecodedMessage;
}

/**
 * "items.0.event_time: Invalid ISO datetime; seq: expected number". A record key at fault is named
 * with what is wrong with it; the path is made storable text, since a bad key is part of it.
 */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? toStorableText(issue.path.join('.')).text : '(root)';
      const inner = issue.code === 'invalid_key' ? `: ${issue.issues.map((keyIssue) => keyIssue.message).join(', ')}` : '';
      return `${path}: ${issue.message}${inner}`;
    })
    .join('; ');
}
