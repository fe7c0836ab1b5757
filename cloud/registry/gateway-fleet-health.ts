import type { Clock } from '../../shared/time/clock.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { epochMs, epochMsOrNull, timestampParam } from '../db/sql-values.js';
import { bucketWidthFor, type ReadingBucket, type TelemetryEvidenceReader } from '../telemetry/telemetry-evidence-reader.js';
import { AppError, notFound } from '../platform/app-error.js';
import { deviceAvailability, type DeviceAvailability, type OfflinePeriod } from './device-availability.js';
import type { GatewayStatusRecord } from './registry-repository.js';

/** How far back the newest data of a device is looked for: the raw retention's default and a day. */
export const NEWEST_DATA_LOOKBACK_MS = 31 * 86_400_000;
export const DEFAULT_AVAILABILITY_HOURS = 24;
export const MAX_AVAILABILITY_HOURS = 7 * 24;

export interface DeviceHealth {
  deviceId: string;
  /** Offline in the gateway's last online status. */
  offlineNow: boolean;
  /** Event time of its newest reading or event within NEWEST_DATA_LOOKBACK_MS; null: none. */
  newestDataAt: number | null;
  availability: DeviceAvailability;
}

export interface GatewayFleetHealth {
  from: number;
  to: number;
  devices: DeviceHealth[];
}

/**
 * A gateway's devices as facilities look at them: offline now, the age of their newest data, and
 * availability over the last hours from the device_offline episodes the cloud holds as tickets
 * (raised at the edge's detection, cleared when the device answers again; a gateway's own
 * device_offline ticket covers all its devices). The devices are those registered to the gateway,
 * those its status lists offline, and those with an episode in the window.
 */
export class GatewayFleetHealthReader {
  constructor(
    private readonly db: SqlExecutor,
    private readonly telemetry: Pick<TelemetryEvidenceReader, 'newestData' | 'readingBuckets'>,
    private readonly clock: Clock,
  ) {}

  async read(gateway: GatewayStatusRecord, hours: number): Promise<GatewayFleetHealth> {
    const to = this.clock.now();
    const from = to - hours * 3_600_000;
    const episodes = await this.offlineEpisodes(gateway, from, to);
    const offlineNow = new Set(gateway.status?.online ? gateway.status.devices_offline : []);
    const registered = await this.db.query<{ id: string }>('SELECT id FROM devices WHERE estate_id = $1 AND gateway_id = $2', [gateway.estateId, gateway.id]);
    const deviceIds = [...new Set([...registered.rows.map((row) => row.id), ...offlineNow, ...episodes.filter((e) => e.kind === 'device').map((e) => e.subjectId)])].sort();
    const newest = await this.telemetry.newestData({ estateId: gateway.estateId, gatewayId: gateway.id, deviceIds, since: to - NEWEST_DATA_LOOKBACK_MS });
    const newestOf = new Map(newest.map((entry) => [entry.deviceId, entry.newestAt]));
    const gatewayDown: OfflinePeriod[] = episodes.filter((e) => e.kind === 'gateway').map((e) => ({ from: e.from, to: e.to, cause: 'gateway' }));
    return {
      from,
      to,
      devices: deviceIds.map((deviceId) => ({
        deviceId,
        offlineNow: offlineNow.has(deviceId),
        newestDataAt: newestOf.get(deviceId) ?? null,
        availability: deviceAvailability(
          [...gatewayDown, ...episodes.filter((e) => e.kind === 'device' && e.subjectId === deviceId).map((e): OfflinePeriod => ({ from: e.from, to: e.to, cause: 'device' }))],
          from,
          to,
        ),
      })),
    };
  }

  /**
   * One device's readings over the last hours, thinned in the store to at most MAX_POINTS_PER_SERIES
   * buckets per point. A device of a household (mapped to a unit) is refused: its raw signals stay
   * on the gateway (the privacy rule of shared/contract/README.md), and no one reads them here.
   */
  async deviceReadings(gateway: GatewayStatusRecord, deviceId: string, hours: number): Promise<{ from: number; to: number; bucketMs: number; buckets: ReadingBucket[] }> {
    const { rows } = await this.db.query<{ unit_id: string | null }>('SELECT unit_id FROM devices WHERE estate_id = $1 AND gateway_id = $2 AND id = $3', [gateway.estateId, gateway.id, deviceId]);
    if (rows.length === 0) throw notFound('device', deviceId);
    if (rows[0]!.unit_id !== null) throw new AppError('forbidden', 'household_device', `device ${deviceId} belongs to a household: its readings stay on the gateway`);
    const to = this.clock.now();
    const from = to - hours * 3_600_000;
    const bucketMs = bucketWidthFor({ from, to });
    const buckets = await this.telemetry.readingBuckets({ estateId: gateway.estateId, gatewayId: gateway.id, deviceIds: [deviceId], from, to, bucketMs });
    return { from, to, bucketMs, buckets };
  }

  /** device_offline tickets of the gateway overlapping [from, to): from the raise to the alert's clear (or the ticket's close). */
  private async offlineEpisodes(gateway: GatewayStatusRecord, from: number, to: number): Promise<Array<{ kind: 'device' | 'gateway'; subjectId: string; from: number; to: number | null }>> {
    const { rows } = await this.db.query<{ subject_kind: string; subject_id: string; raised_at: Date; ended_at: Date | null }>(
      `SELECT subject_kind, subject_id, raised_at, COALESCE(alert_cleared_at, closed_at) AS ended_at FROM tickets
       WHERE estate_id = $1 AND gateway_id = $2 AND type = 'device_offline' AND subject_kind IN ('device', 'gateway')
         AND raised_at < $4::timestamptz AND COALESCE(alert_cleared_at, closed_at, 'infinity') > $3::timestamptz`,
      [gateway.estateId, gateway.id, timestampParam(from), timestampParam(to)],
    );
    return rows.map((row) => ({ kind: row.subject_kind === 'gateway' ? 'gateway' : 'device', subjectId: row.subject_id, from: epochMs(row.raised_at), to: epochMsOrNull(row.ended_at) }));
  }
}
