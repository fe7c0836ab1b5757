/**
 * What travels over a Modbus BusLink: one request PDU with its unit id, and the reply's data. The
 * same shapes serve RTU (unit id = slave address 1-247) and TCP (unit id in the MBAP header).
 */

/** Function codes the driver uses (Modbus Application Protocol V1.1b §6). */
export type ModbusFunctionCode = 1 | 2 | 3 | 4 | 5 | 6 | 15 | 16;

export const FUNCTION_NAMES: Record<ModbusFunctionCode, string> = {
  1: 'read coils',
  2: 'read discrete inputs',
  3: 'read holding registers',
  4: 'read input registers',
  5: 'write single coil',
  6: 'write single register',
  15: 'write multiple coils',
  16: 'write multiple registers',
};

export interface ModbusRequest {
  unitId: number;
  functionCode: ModbusFunctionCode;
  /** 0-based wire address of the first register or bit. */
  address: number;
  /** Registers or bits read or written: 1-125 for FC03/04, 1-2000 for FC01/02 (Modbus Application Protocol V1.1b3 §6.1-6.4). */
  quantity: number;
  /** Writes only: bits as 0/1 (FC05, FC15) or register words 0-0xFFFF (FC06, FC16), quantity of them. */
  values?: readonly number[];
}

export interface ModbusReply {
  functionCode: ModbusFunctionCode;
  /** FC03/FC04: the register words read. */
  registers?: readonly number[];
  /** FC01/FC02: the bits read, exactly quantity of them. */
  bits?: readonly boolean[];
}

/** "unit 1 FC04 read input registers 0x0000 x2", for logs and error messages. */
export function describeRequest(request: ModbusRequest): string {
  const address = `0x${request.address.toString(16).toUpperCase().padStart(4, '0')}`;
  const fc = `FC${String(request.functionCode).padStart(2, '0')}`;
  return `unit ${request.unitId} ${fc} ${FUNCTION_NAMES[request.functionCode]} ${address} x${request.quantity}`;
}
