import type { AuthenticateError } from 'aedes';

/** CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3], as aedes's AuthErrorCode (a const enum we cannot import). */
export const CONNACK_IDENTIFIER_REJECTED = 2;
export const CONNACK_BAD_USERNAME_OR_PASSWORD = 4;
export const CONNACK_NOT_AUTHORIZED = 5;

type RefusalCode = typeof CONNACK_IDENTIFIER_REJECTED | typeof CONNACK_BAD_USERNAME_OR_PASSWORD | typeof CONNACK_NOT_AUTHORIZED;

/** The error an aedes authenticate handler passes to refuse a CONNECT with this return code. */
export function refuseConnect(message: string, returnCode: RefusalCode): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}
