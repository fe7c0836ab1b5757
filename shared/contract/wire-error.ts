/** Why a message was refused; each reason is a counter label on both sides. */
export type WireRejection =
  | 'unknown_topic'
  | 'too_large'
  | 'not_json'
  | 'schema_violation'
  | 'gateway_mismatch'
  | 'unknown_gateway'
  /** The cloud's stores answered but refused the message several times over. */
  | 'store_rejected';

export class WireError extends Error {
  constructor(
    readonly reason: WireRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}
