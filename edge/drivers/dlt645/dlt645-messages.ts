import { addressToWire } from '../frame-codec/bcd-address.js';
import { numberToBcdByte } from '../frame-codec/bcd.js';
import type { MeterClockFields } from '../frame-codec/meter-clock.js';
import { DLT645_BROADCAST_ADDRESS, DLT645_WILDCARD_ADDRESS } from './dlt645-address.js';
import { dataIdToBytes } from './dlt645-data-id.js';
import { CONTROL_ABNORMAL, CONTROL_FOLLOW_UP, CONTROL_REPLY, DLT645_FUNCTION, type Dlt645Frame } from './dlt645-frame.js';

/**
 * The DL/T 645-2007 messages of this driver, both directions (the meter side serves the emulator).
 * DATA as meant, before the +0x33 offset that buildDlt645Frame adds.
 *
 * Read (edge/drivers/dlt645/README.md, functions): master 0x11, DATA = DI0..DI3. Meter: 0x91 DI +
 * value; 0xB1 the same with more to follow; 0xD1 ERR. Follow-up (0x12, DATA = DI + SEQ, SEQ from
 * 1): meter 0x92 / 0xB2 with DI + value part + SEQ, 0xD2 ERR. The follow-up layout is as public
 * implementations have it (chsunnyboy/javapractise ControllCode07); UNVERIFIED against the standard
 * text.
 */

export function readRequest(address: string, di: string): Dlt645Frame {
  return { address, control: DLT645_FUNCTION.read, data: dataIdToBytes(di) };
}

export function readFollowUpRequest(address: string, di: string, seq: number): Dlt645Frame {
  return { address, control: DLT645_FUNCTION.readFollowUp, data: Uint8Array.of(...dataIdToBytes(di), seq & 0xff) };
}

/** Read address 0x13 to the all-AA wildcard: the one meter on the line answers with its address. */
export function readAddressRequest(): Dlt645Frame {
  return { address: DLT645_WILDCARD_ADDRESS, control: DLT645_FUNCTION.readAddress, data: new Uint8Array(0) };
}

/**
 * Broadcast time sync 0x08 to 99..99, DATA = ss mm hh DD MM YY in BCD; no meter replies
 * (DL/T 645-2007 broadcast time sync). The fields are sent as given, without a calendar check.
 */
export function broadcastTimeSyncRequest(time: MeterClockFields): Dlt645Frame {
  const data = [time.second, time.minute, time.hour, time.day, time.month, time.year % 100].map(numberToBcdByte);
  return { address: DLT645_BROADCAST_ADDRESS, control: DLT645_FUNCTION.broadcastTimeSync, data: Uint8Array.from(data) };
}

export function readReply(address: string, di: string, value: Uint8Array, moreToFollow = false): Dlt645Frame {
  const control = CONTROL_REPLY | DLT645_FUNCTION.read | (moreToFollow ? CONTROL_FOLLOW_UP : 0);
  return { address, control, data: Uint8Array.of(...dataIdToBytes(di), ...value) };
}

export function readFollowUpReply(address: string, di: string, value: Uint8Array, seq: number, moreToFollow: boolean): Dlt645Frame {
  const control = CONTROL_REPLY | DLT645_FUNCTION.readFollowUp | (moreToFollow ? CONTROL_FOLLOW_UP : 0);
  return { address, control, data: Uint8Array.of(...dataIdToBytes(di), ...value, seq & 0xff) };
}

/** Abnormal reply to a function (0x11 -> 0xD1): DATA = the error word ERR. */
export function abnormalReply(address: string, functionCode: number, errorWord: number): Dlt645Frame {
  return { address, control: CONTROL_REPLY | CONTROL_ABNORMAL | functionCode, data: Uint8Array.of(errorWord) };
}

/** Reply to read address (0x93): DATA = the meter's address A0..A5. */
export function readAddressReply(address: string): Dlt645Frame {
  return { address, control: CONTROL_REPLY | DLT645_FUNCTION.readAddress, data: addressToWire(address) };
}

/** Bits of the error word ERR in an abnormal reply (600888/dlt645 ErrorCode; edge/drivers/dlt645/README.md). */
export const DLT645_ERROR_BITS = {
  other: 0x01,
  noRequestedData: 0x02,
  unauthorised: 0x04,
  baudRateUnchangeable: 0x08,
  yearTimeZonesExceeded: 0x10,
  dailySlotsExceeded: 0x20,
  tariffsExceeded: 0x40,
} as const;

/** ERR 0x02 -> "no requested data". */
export function describeDlt645Error(errorWord: number): string {
  const names: Record<keyof typeof DLT645_ERROR_BITS, string> = {
    other: 'other error',
    noRequestedData: 'no requested data',
    unauthorised: 'password error or unauthorised',
    baudRateUnchangeable: 'baud rate cannot be changed',
    yearTimeZonesExceeded: 'year time-zone count exceeded',
    dailySlotsExceeded: 'daily time-slot count exceeded',
    tariffsExceeded: 'tariff count exceeded',
  };
  const set = (Object.keys(DLT645_ERROR_BITS) as Array<keyof typeof DLT645_ERROR_BITS>).filter((key) => (errorWord & DLT645_ERROR_BITS[key]) !== 0);
  return set.length > 0 ? set.map((key) => names[key]).join(', ') : 'no error bit set';
}
