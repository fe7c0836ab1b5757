import type { Logger } from '../../../shared/log/logger.js';
import type { ChannelSender, ChannelTarget, OutgoingMessage, SendOutcome } from './channel.js';
import { plainText } from './channel.js';

/**
 * Writes the rendered message to the process log: the embedded default, the channel of an estate
 * that has none, and the last resort of dead-letter warnings.
 */
export function logChannel(logger: Logger): ChannelSender {
  return {
    kind: 'log',
    async send(target: ChannelTarget, message: OutgoingMessage): Promise<SendOutcome> {
      logger.info(
        { delivery_id: message.id, channel_id: target.id, mentions: message.mentions.map((m) => m.displayName), ...message.data },
        plainText(message),
      );
      return { classification: 'ok', httpStatus: null, answerCode: null, error: null, retryAfterMs: null };
    },
  };
}
