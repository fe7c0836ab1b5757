import { BusError } from '../../bus/bus-error.js';
import type { PollStep, RawPointValue } from '../../bus/polled-protocol.js';
import { CJT188_HEADER_LENGTH } from './cjt188-frame.js';
import { DATA_ID_LENGTH, DI_METERING_DATA } from './cjt188-data-id.js';
import { decodeMeteringData, METERING_DATA_LENGTH, type MeteringData } from './cjt188-metering-data.js';
import { statusLayoutOf, type Cjt188DeviceProfile, type Cjt188Field } from './cjt188-profile.js';
import { decodeStatus, VALVE_STATE_CODE, type StatusLayout } from './cjt188-status.js';
import type { Cjt188Reply, Cjt188Request } from './cjt188-transaction.js';
import { toCubicMetres, volumeUnitTable } from './cjt188-units.js';

/**
 * A poll of a CJ/T 188 water or gas meter is one step: read DI 0x901F and take every point from its
 * reply (edge/drivers/cjt188/README.md, the 0x901F reply). Raw values: volumes in m3, valve_state
 * 0/1/3, battery_low 1/0.
 */
export function planCjt188Poll(profile: Cjt188DeviceProfile, address: string): Array<PollStep<Cjt188Request, Cjt188Reply>> {
  const settings = profile.settings;
  const units = volumeUnitTable(settings.volume_units);
  const layout = statusLayoutOf(settings.status);
  const points = profile.points.map((point) => ({ name: point.name, field: point.attributes.field }));
  return [
    {
      request: {
        kind: 'read_data',
        meterType: settings.meter_type,
        address,
        di: DI_METERING_DATA,
        diOrder: settings.di_order,
        preambleCount: settings.preamble_count,
        requireSerEcho: settings.require_ser_echo,
      },
      points: points.map((point) => point.name),
      // Request: FE x n + 13 header/trailer bytes + DI SER; reply: 13 + L = 22.
      wireBytes: { request: settings.preamble_count + CJT188_HEADER_LENGTH + 2 + DATA_ID_LENGTH + 1, reply: CJT188_HEADER_LENGTH + 2 + DATA_ID_LENGTH + 1 + METERING_DATA_LENGTH },
      decode(reply) {
        let data: MeteringData;
        try {
          data = decodeMeteringData(reply.payload);
        } catch (error) {
          throw new BusError('malformed', `0x901F reply of ${reply.address}: ${(error as Error).message}`, { cause: error });
        }
        return points.map((point) => ({ point: point.name, raw: fieldValue(point.field, data, units, layout) }));
      },
    },
  ];
}

function fieldValue(field: Cjt188Field, data: MeteringData, units: ReadonlyMap<number, number>, layout: StatusLayout): RawPointValue['raw'] {
  try {
    switch (field) {
      case 'current_volume':
        return toCubicMetres(data.currentVolume, data.currentUnit, units);
      case 'settlement_volume':
        return toCubicMetres(data.settlementVolume, data.settlementUnit, units);
      case 'valve_state':
        return VALVE_STATE_CODE[decodeStatus(data.status, layout).valve];
      case 'battery_low':
        return decodeStatus(data.status, layout).batteryLow ? 1 : 0;
    }
  } catch (error) {
    throw new BusError('malformed', `${field}: ${(error as Error).message}`, { cause: error });
  }
}
