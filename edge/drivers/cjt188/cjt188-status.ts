/**
 * The status word ST of a CJ/T 188 reply: 2 bytes, sent first byte first
 * (edge/drivers/cjt188/README.md). Its bit layout is vendor-defined in practice, so a profile names
 * it:
 * - the commonly implemented layout (UNVERIFIED against the standard): first byte D1D0 = valve,
 *   00 open / 01 closed / 11 abnormal; D2 = battery low. Default here.
 * - xijunzhou cj188.h: valve under mask 0xC0 (0x00 open, 0x40 closed, 0xC0 abnormal), battery 0x20:
 *   valve_mask 0xC0, valve_shift 6, values {0: open, 1: closed, 3: abnormal}, battery_mask 0x20.
 */
export type ValveState = 'open' | 'closed' | 'abnormal';

/**
 * The valve_state point's values: the codes the Android A017 reader and the default layout use
 * (00 open, 01 closed, 03 abnormal; edge/drivers/cjt188/README.md, status word).
 */
export const VALVE_STATE_CODE: Readonly<Record<ValveState, number>> = { open: 0, closed: 1, abnormal: 3 };

export interface StatusLayout {
  /** Which ST byte holds the valve and battery bits: 0 the first sent. */
  byte: 0 | 1;
  valveMask: number;
  valveShift: number;
  /** (ST byte & valveMask) >> valveShift -> state. A pattern not listed reads as abnormal. */
  valveValues: ReadonlyMap<number, ValveState>;
  /** Bit set = battery low. */
  batteryMask: number;
}

export const DEFAULT_STATUS_LAYOUT: StatusLayout = {
  byte: 0,
  valveMask: 0x03,
  valveShift: 0,
  valveValues: new Map<number, ValveState>([
    [0, 'open'],
    [1, 'closed'],
    [3, 'abnormal'],
  ]),
  batteryMask: 0x04,
};

export interface MeterStatus {
  valve: ValveState;
  batteryLow: boolean;
}

/** ST bytes -> valve and battery. 00 00 -> open, normal; 21 84 (default layout) -> closed, normal. */
export function decodeStatus(status: Uint8Array, layout: StatusLayout): MeterStatus {
  const byte = status[layout.byte] ?? 0;
  const pattern = (byte & layout.valveMask) >> layout.valveShift;
  return { valve: layout.valveValues.get(pattern) ?? 'abnormal', batteryLow: (byte & layout.batteryMask) !== 0 };
}

/** The reverse, for meter emulators: 2 ST bytes with only the layout's bits set. */
export function encodeStatus(status: MeterStatus, layout: StatusLayout): Uint8Array {
  const pattern = [...layout.valveValues].find(([, state]) => state === status.valve)?.[0];
  if (pattern === undefined) throw new RangeError(`the status layout has no pattern for valve ${status.valve}`);
  const byte = ((pattern << layout.valveShift) & layout.valveMask) | (status.batteryLow ? layout.batteryMask : 0);
  const bytes = new Uint8Array(2);
  bytes[layout.byte] = byte;
  return bytes;
}
