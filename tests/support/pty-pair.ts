import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSocatInstalled as assertSocat, openVirtualSerialLine } from '../../edge/simulator/virtual-serial-line.js';
import { START_SERVICES_HINT } from './service-unavailable.js';

/**
 * Two linked pseudo-terminals (edge/simulator/virtual-serial-line.ts) in a fresh temp folder: bytes
 * written to `a` come out of `b` and back. Open one end with the driver under test, the other with a
 * peer (pymodbus, a hand-written "evil slave", a meter emulator).
 */
export interface PtyPair {
  a: string;
  b: string;
  /** Kills socat: both ends vanish, as when a USB-RS485 adapter is pulled out. Idempotent. */
  stop(): Promise<void>;
  /** Starts socat again with the same two paths (the adapter plugged back in). */
  restart(): Promise<void>;
}

/** Fails (never skips) when socat is not installed, naming the script that installs it. */
export function assertSocatInstalled(): void {
  assertSocat(START_SERVICES_HINT);
}

export async function createPtyPair(): Promise<PtyPair> {
  assertSocatInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-pty-'));
  const line = await openVirtualSerialLine(join(dir, 'a'), join(dir, 'b'));
  return {
    a: line.gatewayEnd,
    b: line.deviceEnd,
    async stop() {
      await line.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: () => line.restart(),
  };
}
