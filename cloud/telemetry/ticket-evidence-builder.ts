import { LIFT_EVENT_TYPES, type EventAttributes } from '../../shared/contract/index.js';
import type { SqlExecutor } from '../db/sql-database.js';
import { DEFAULT_TIME_ZONE } from '../platform/local-calendar.js';
import type { Ticket } from '../tickets/ticket.js';
import type { HouseholdActivityHour, HouseholdActivityReader } from './household-activity-reader.js';
import { bucketWidthFor, MAX_POINTS_PER_SERIES, type ReadingBucket, type TelemetryEvidenceReader } from './telemetry-evidence-reader.js';
import type { TelemetryStore } from './telemetry-store.js';
import { evidenceWindow, type EvidenceWindow } from './ticket-evidence-window.js';

/** A water meter's flow and its totals: the readings a leak is judged on (device-profiles: m3/h, m3). */
export const LEAK_UNITS = ['m3/h', 'L/h', 'm3', 'L'] as const;
/** Events of one device at most, oldest first; evidence_truncated says when there were more. */
export const MAX_EVENTS_PER_DEVICE = 500;

export interface EvidenceSeries {
  deviceId: string;
  point: string;
  unit: string;
  buckets: ReadingBucket[];
}

export interface EvidenceEvent {
  deviceId: string;
  type: string;
  at: number;
  attributes: EventAttributes;
}

/** A section left empty says why, in a sentence for the console. */
export interface HouseholdActivitySection {
  available: boolean;
  reason: string | null;
  hours: HouseholdActivityHour[];
}

export interface TicketEvidence {
  ticketId: string;
  type: Ticket['type'];
  timeZone: string;
  window: EvidenceWindow;
  bucketMs: number;
  /** Devices whose readings and events are shown. */
  deviceIds: string[];
  series: EvidenceSeries[];
  events: EvidenceEvent[];
  eventsTruncated: boolean;
  /** Care visits only; null for other tickets. */
  householdActivity: HouseholdActivitySection | null;
  /** Why something is not shown (household signals stay on the gateway, no device mapped). */
  notes: string[];
}

interface TicketDevice {
  id: string;
  gatewayId: string;
}

/**
 * Builds a ticket's evidence: the readings and events of its devices over the episode and the window
 * around it (ticket-evidence-window.ts), thinned in the store to at most MAX_POINTS_PER_SERIES
 * buckets per series with min, max, mean and last. What is read follows the category:
 * - lift_entrapment, lift_fault: every point of the lift's monitors and their lift events;
 * - water_leak: the flow and totals (LEAK_UNITS) of the meters on the leaking asset;
 * - device_offline: the device's own readings and events;
 * - care_visit: the household's hourly activity aggregates through HouseholdActivityReader, never a
 *   household device's readings or events (those stay on the gateway; none is read even if present).
 * The ticket's devices are those mapped to its asset (or the device itself); a device mapped to a
 * unit is never read.
 */
export class TicketEvidenceBuilder {
  constructor(
    private readonly db: SqlExecutor,
    private readonly telemetry: TelemetryEvidenceReader,
    private readonly events: Pick<TelemetryStore, 'queryEvents'>,
    private readonly householdActivity: HouseholdActivityReader | null,
  ) {}

  async build(ticket: Ticket, now: number): Promise<TicketEvidence> {
    const window = evidenceWindow(ticket, now);
    const bucketMs = bucketWidthFor(window, MAX_POINTS_PER_SERIES);
    const evidence: TicketEvidence = {
      ticketId: ticket.id,
      type: ticket.type,
      timeZone: await this.timeZoneOf(ticket.estateId),
      window,
      bucketMs,
      deviceIds: [],
      series: [],
      events: [],
      eventsTruncated: false,
      householdActivity: null,
      notes: [],
    };
    if (ticket.type === 'care_visit') {
      evidence.householdActivity = await this.activity(ticket, window);
      return evidence;
    }
    if (ticket.subjectKind === 'unit') {
      evidence.notes.push("a household's own signals stay on its gateway; the alert's evidence summary is on the ticket");
      return evidence;
    }
    const devices = await this.devicesOf(ticket);
    if (devices.length === 0) evidence.notes.push(`no device is mapped to ${ticket.subjectKind} ${ticket.subjectId}`);
    evidence.deviceIds = devices.map((device) => device.id);
    const units = ticket.type === 'water_leak' ? LEAK_UNITS : undefined;
    for (const [gatewayId, ids] of byGateway(devices)) {
      const buckets = await this.telemetry.readingBuckets({ estateId: ticket.estateId, gatewayId, deviceIds: ids, units, from: window.from, to: window.to, bucketMs });
      evidence.series.push(...toSeries(buckets));
      if (ticket.type === 'water_leak') continue;
      for (const deviceId of ids) {
        const found = await this.events.queryEvents({ gatewayId, deviceId, from: window.from, to: window.to, limit: MAX_EVENTS_PER_DEVICE });
        if (found.length === MAX_EVENTS_PER_DEVICE) evidence.eventsTruncated = true;
        for (const event of found) {
          // A store holding other estates' items under a reused gateway id, or a household's event, is never shown.
          if (event.estate_id !== ticket.estateId || event.subject.kind === 'unit') continue;
          if (isLift(ticket.type) && !(LIFT_EVENT_TYPES as readonly string[]).includes(event.type)) continue;
          evidence.events.push({ deviceId: event.device_id, type: event.type, at: Date.parse(event.event_time), attributes: event.attributes });
        }
      }
    }
    evidence.events.sort((a, b) => a.at - b.at);
    return evidence;
  }

  private async activity(ticket: Ticket, window: EvidenceWindow): Promise<HouseholdActivitySection> {
    if (ticket.subjectKind !== 'unit') return { available: false, reason: 'the ticket names no household', hours: [] };
    if (this.householdActivity === null) {
      return { available: false, reason: "this installation keeps no household activity aggregates yet; the alert's evidence summary is on the ticket", hours: [] };
    }
    const hours = await this.householdActivity.hourlyActivity({ estateId: ticket.estateId, householdId: ticket.subjectId, from: window.from, to: window.to });
    return { available: true, reason: hours.length === 0 ? 'no aggregate arrived for these hours (consent, or the gateway was offline)' : null, hours };
  }

  /** The asset's devices (lift monitors, a main's meters), or the device itself; never one mapped to a unit. */
  private async devicesOf(ticket: Ticket): Promise<TicketDevice[]> {
    const column = ticket.subjectKind === 'asset' ? 'asset_id' : ticket.subjectKind === 'device' ? 'id' : null;
    if (column === null) return [];
    const { rows } = await this.db.query<{ id: string; gateway_id: string }>(
      `SELECT id, gateway_id FROM devices WHERE estate_id = $1 AND ${column} = $2 AND unit_id IS NULL ORDER BY id COLLATE "C"`,
      [ticket.estateId, ticket.subjectId],
    );
    const devices = rows.map((row) => ({ id: row.id, gatewayId: row.gateway_id }));
    // A device the registry has not mapped yet is still the ticket's when the alert names it.
    if (ticket.subjectKind === 'device' && devices.length === 0 && !(await this.mappedToUnit(ticket))) return [{ id: ticket.subjectId, gatewayId: ticket.gatewayId }];
    return devices;
  }

  private async mappedToUnit(ticket: Ticket): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM devices WHERE estate_id = $1 AND id = $2 AND unit_id IS NOT NULL', [ticket.estateId, ticket.subjectId]);
    return rows.length > 0;
  }

  private async timeZoneOf(estateId: string): Promise<string> {
    const { rows } = await this.db.query<{ time_zone: string }>('SELECT time_zone FROM estates WHERE id = $1', [estateId]);
    return rows[0]?.time_zone ?? DEFAULT_TIME_ZONE;
  }
}

function isLift(type: Ticket['type']): boolean {
  return type === 'lift_entrapment' || type === 'lift_fault';
}

function byGateway(devices: readonly TicketDevice[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const device of devices) groups.set(device.gatewayId, [...(groups.get(device.gatewayId) ?? []), device.id]);
  return groups;
}

/** Buckets (ordered by device, point, start) gathered per series; the unit is the series' latest. */
function toSeries(buckets: readonly ReadingBucket[]): EvidenceSeries[] {
  const series: EvidenceSeries[] = [];
  for (const bucket of buckets) {
    const current = series.at(-1);
    if (current && current.deviceId === bucket.deviceId && current.point === bucket.point) {
      current.buckets.push(bucket);
      current.unit = bucket.unit;
    } else {
      series.push({ deviceId: bucket.deviceId, point: bucket.point, unit: bucket.unit, buckets: [bucket] });
    }
  }
  return series;
}
