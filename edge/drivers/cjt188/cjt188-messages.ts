import { CJT188_ANY_METER_TYPE, CJT188_WILDCARD_ADDRESS } from './cjt188-address.js';
import { dataIdBytes, DI_READ_ADDRESS, type DataIdOrder } from './cjt188-data-id.js';
import { CJT188_FUNCTION, CONTROL_ABNORMAL, CONTROL_REPLY, type Cjt188Frame } from './cjt188-frame.js';

/**
 * The CJ/T 188-2004 messages of this driver, both directions (the meter side serves the emulator).
 * Read data (edge/drivers/cjt188/README.md, frame): master C = 0x01, DATA = DI SER; meter 0x81 DI
 * SER + data, or 0xC1 abnormal carrying ST. SER: the master increments it per exchange, mod 256;
 * the meter echoes it.
 */

export function readDataRequest(meterType: number, address: string, di: number, ser: number, order: DataIdOrder): Cjt188Frame {
  return { meterType, address, control: CJT188_FUNCTION.readData, data: Uint8Array.of(...dataIdBytes(di, order), ser & 0xff) };
}

/** Read address 0x03, DI 0x810A, to meter type AA and address AA x 7 (edge/drivers/cjt188/README.md). */
export function readAddressRequest(ser: number, order: DataIdOrder): Cjt188Frame {
  return {
    meterType: CJT188_ANY_METER_TYPE,
    address: CJT188_WILDCARD_ADDRESS,
    control: CJT188_FUNCTION.readAddress,
    data: Uint8Array.of(...dataIdBytes(DI_READ_ADDRESS, order), ser & 0xff),
  };
}

export function readDataReply(meterType: number, address: string, di: number, order: DataIdOrder, ser: number, payload: Uint8Array): Cjt188Frame {
  return { meterType, address, control: CONTROL_REPLY | CJT188_FUNCTION.readData, data: Uint8Array.of(...dataIdBytes(di, order), ser & 0xff, ...payload) };
}

/** Reply to read address (0x83): the meter's type and address in the header, DATA = DI SER. */
export function readAddressReply(meterType: number, address: string, order: DataIdOrder, ser: number): Cjt188Frame {
  return { meterType, address, control: CONTROL_REPLY | CJT188_FUNCTION.readAddress, data: Uint8Array.of(...dataIdBytes(DI_READ_ADDRESS, order), ser & 0xff) };
}

/** Abnormal reply (0xC1 to a read): DATA = SER ST (CJ/T 188-2004 as cnblogs cj94 quotes it). */
export function abnormalReply(meterType: number, address: string, functionCode: number, ser: number, status: Uint8Array): Cjt188Frame {
  return { meterType, address, control: CONTROL_REPLY | CONTROL_ABNORMAL | functionCode, data: Uint8Array.of(ser & 0xff, ...status) };
}
