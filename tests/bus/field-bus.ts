import type { BusConfigInput, FieldBus } from '../../edge/bus/bus-config.js';
import { settleBuses } from '../../edge/drivers/settle-buses.js';
import { SHIPPED_PROTOCOLS } from '../../edge/drivers/shipped-protocols.js';

/** A bus as a gateway with no devices on it runs it: the config validated, its protocol's defaults filled in. */
export function fieldBus(input: BusConfigInput): FieldBus {
  return settleBuses([SHIPPED_PROTOCOLS.busConfigSchema.parse(input)], [])[0]!;
}

/** The same, narrowed to a serial bus (what a serial link takes). */
export function serialFieldBus(input: BusConfigInput & { transport: 'serial' }): FieldBus & { transport: 'serial' } {
  const bus = fieldBus(input);
  if (bus.transport !== 'serial') throw new Error(`bus ${bus.id} is not serial`);
  return bus;
}
