import { fromWireTime, type AlertItem } from '../../../shared/contract/index.js';
import type { MinuteSpan } from './automatic-loads.js';
import type { SimulatedEstate, SimulatedHousehold } from './simulated-estate.js';
import { dayClock, MIN_PER_DAY, MS_PER_MIN } from './sim-time.js';

/**
 * Scores a simulated estate's alerts as a care manager would, from what really happened:
 * - each incident is caught when a care alert is open for it within its window: a daytime fall
 *   (05:00-17:00, after she got up) by 23:00 that day; a fall in the evening or the night by noon
 *   the next morning; an illness within 36 h of the morning it began; a dead meter within 2 h and a
 *   dead door controller within 4 days (a device_offline alert naming it). Late: after the window but
 *   before she was found (or the device mended); missed: never; found first: a carer or visitor
 *   found her before the window ended and before any alert (nothing left to catch);
 * - every care visit raised for no incident is false, told apart by where the resident was: at
 *   home, away where the system could know it (registered, or her card at the gate on the way out),
 *   or away where nobody could (an unregistered night away, out without her card, back later than
 *   registered);
 * - a care alert cleared by an appliance (cleared_by electricity), or while she lay fallen or was
 *   away, is a wrong clear;
 * - and how many device alerts each estate-wide power cut raised.
 */
export interface IncidentOutcome {
  unitId: string;
  kind: 'fall' | 'decline' | 'dead_device';
  detail: string;
  at: number;
  deadline: number;
  alertAt: number | undefined;
  /** nothing_lost: a dead door controller nobody passed while it was dead (it hid nothing). */
  verdict: 'caught' | 'late' | 'missed' | 'found_first' | 'nothing_lost';
}

export type FalseVisitCause = 'at_home' | 'knowable_absence' | 'unknowable_absence';

export interface FalseVisit {
  unitId: string;
  at: number;
  cause: FalseVisitCause;
  severity: AlertItem['severity'];
  /** The alert's words in English, and in both languages. */
  reason: string;
  words: AlertItem['reason'];
  /** When the alert was cleared (activity returned, or she came home), if it was. */
  clearedAt: number | undefined;
}

export interface CareScore {
  seed: number;
  residentWeeks: number;
  incidents: IncidentOutcome[];
  falseVisits: FalseVisit[];
  wrongClears: Array<{ unitId: string; at: number; why: string }>;
  /** Device alerts raised during each power cut (one per bus is the aim). */
  powerCutDeviceAlerts: number[];
  /** Device alerts on a household's device that no dead device, power cut or water cut explains. */
  falseDeviceAlerts: Array<{ deviceId: string; at: number; reason: string }>;
}

const HOUR = 60 * MS_PER_MIN;

export function scoreEstate(estate: SimulatedEstate, alerts: readonly AlertItem[]): CareScore {
  const { cal } = estate;
  const ms = (minute: number) => cal.startMs + minute * MS_PER_MIN;
  const care = alerts.filter((alert) => alert.category === 'care_visit');
  const incidents: IncidentOutcome[] = [];
  const explained: Array<{ unitId: string; from: number; to: number }> = [];

  for (const household of estate.households) {
    const unitId = household.planned.unitId;
    const episodes = openSpans(care.filter((alert) => alert.subject.id === unitId));
    const fall = household.lived.fall;
    if (fall) {
      const day = Math.floor(fall.at / MIN_PER_DAY);
      const minuteOfDay = fall.at % MIN_PER_DAY;
      const daytime = minuteOfDay >= 300 && minuteOfDay < 1020 && fall.at >= household.lived.wakes[day]!;
      const deadline = daytime ? day * MIN_PER_DAY + 23 * 60 : (minuteOfDay >= 720 ? day + 1 : day) * MIN_PER_DAY + 12 * 60;
      const detail = `fall ${fall.when}${fall.tap ? ` with a ${fall.tap} tap` : ''} at ${dayClock(fall.at)}, found ${dayClock(fall.foundAt)}`;
      incidents.push(outcome(unitId, 'fall', detail, ms(fall.at), ms(deadline), ms(fall.foundAt), episodes));
      explained.push({ unitId, from: ms(fall.at), to: ms(fall.foundAt) + HOUR });
    }
    const decline = household.planned.schedule.decline;
    if (decline) {
      const onset = household.lived.wakes[decline.onsetDay]!;
      const end = (decline.onsetDay + decline.days) * MIN_PER_DAY;
      incidents.push(outcome(unitId, 'decline', `illness from ${dayClock(onset)} for ${decline.days} days`, ms(onset), ms(onset) + 36 * HOUR, ms(end), episodes));
      explained.push({ unitId, from: ms(onset), to: ms(end) + 12 * HOUR });
    }
  }
  for (const dead of estate.plan.deadDevices) {
    const household = estate.households.find((item) => item.planned.unitId === dead.unitId)!;
    const device = dead.role === 'water' ? household.devices.water : dead.role === 'electricity' ? household.devices.power : household.devices.door;
    const raised = alerts.filter((alert) => alert.category === 'device_offline' && alert.state === 'raised' && alert.subject.id === device.id);
    const alertAt = raised.map((alert) => fromWireTime(alert.event_time)).find((time) => time >= ms(dead.from) && time < ms(dead.to));
    const detail = `${device.id} dead ${dayClock(dead.from)} to ${dayClock(dead.to)}`;
    if (dead.role !== 'door') {
      const deadline = ms(dead.from) + 2 * HOUR;
      incidents.push({ unitId: dead.unitId, kind: 'dead_device', detail, at: ms(dead.from), deadline, alertAt, verdict: verdictOf(alertAt, deadline, ms(dead.to)) });
      continue;
    }
    // A door controller speaks only when someone passes: it hides something from the first passage
    // it swallows. One nobody passed while it was dead hid nothing, and nothing could tell.
    const lost = household.lived.life.door.find((pass) => pass.minute >= dead.from && pass.minute < dead.to);
    if (!lost) {
      incidents.push({ unitId: dead.unitId, kind: 'dead_device', detail: `${detail}, nobody passed`, at: ms(dead.from), deadline: ms(dead.to), alertAt, verdict: 'nothing_lost' });
      continue;
    }
    const deadline = ms(lost.minute) + 96 * HOUR;
    incidents.push({ unitId: dead.unitId, kind: 'dead_device', detail: `${detail}, first passage lost ${dayClock(lost.minute)}`, at: ms(dead.from), deadline, alertAt, verdict: verdictOf(alertAt, deadline, ms(dead.to)) });
  }

  const falseVisits: FalseVisit[] = [];
  const wrongClears: CareScore['wrongClears'] = [];
  for (const alert of care) {
    const at = fromWireTime(alert.event_time);
    const household = estate.households.find((item) => item.planned.unitId === alert.subject.id);
    if (!household) continue;
    const minute = (at - cal.startMs) / MS_PER_MIN;
    if (alert.state === 'raised' && !explained.some((span) => span.unitId === alert.subject.id && at >= span.from && at <= span.to)) {
      const clear = care.find((item) => item.episode_id === alert.episode_id && item.state === 'cleared');
      const clearedAt = clear ? fromWireTime(clear.event_time) : undefined;
      falseVisits.push({ unitId: alert.subject.id, at, cause: whereabouts(household, minute), severity: alert.severity, reason: alert.reason.en, words: alert.reason, clearedAt });
    }
    if (alert.state === 'cleared') {
      const by = String(alert.evidence.cleared_by ?? '');
      const fall = household.lived.fall;
      const away = household.away.some((span) => minute >= span.from && minute < span.to);
      // Her own card at the gate or the door on the way home is her; a meter while she is away is not.
      if (by === 'electricity') wrongClears.push({ unitId: alert.subject.id, at, why: 'cleared by electricity alone' });
      else if (fall && minute >= fall.at && minute < fall.foundAt) wrongClears.push({ unitId: alert.subject.id, at, why: `cleared by ${by} while she lay fallen` });
      else if (away && (by === 'water' || by === 'electricity')) wrongClears.push({ unitId: alert.subject.id, at, why: `cleared by ${by} while she was away` });
    }
  }
  const powerCutDeviceAlerts = estate.plan.powerCuts.map(
    (cut) => alerts.filter((alert) => alert.category === 'device_offline' && alert.state === 'raised' && within(fromWireTime(alert.event_time), ms(cut.from), ms(cut.to) + HOUR)).length,
  );
  const explainedDevice = (deviceId: string, at: number) =>
    estate.plan.deadDevices.some((dead) => {
      const household = estate.households.find((item) => item.planned.unitId === dead.unitId)!;
      const device = dead.role === 'water' ? household.devices.water : dead.role === 'electricity' ? household.devices.power : household.devices.door;
      return device.id === deviceId && at >= ms(dead.from) && at <= ms(dead.to) + HOUR;
    }) || [...estate.plan.powerCuts, ...estate.plan.waterCuts].some((cut) => within(at, ms(cut.from), ms(cut.to) + HOUR));
  const householdDevices = new Set(estate.households.flatMap((household) => [household.devices.door.id, household.devices.water.id, household.devices.power.id]));
  const falseDeviceAlerts = alerts
    .filter((alert) => alert.category === 'device_offline' && alert.state === 'raised' && householdDevices.has(alert.subject.id) && !explainedDevice(alert.subject.id, fromWireTime(alert.event_time)))
    .map((alert) => ({ deviceId: alert.subject.id, at: fromWireTime(alert.event_time), reason: alert.reason.en }));
  return { seed: estate.plan.seed, residentWeeks: (estate.households.length * cal.days) / 7, incidents, falseVisits, wrongClears, powerCutDeviceAlerts, falseDeviceAlerts };
}

function outcome(unitId: string, kind: IncidentOutcome['kind'], detail: string, at: number, deadline: number, end: number, episodes: readonly Span[]): IncidentOutcome {
  const open = episodes.find((span) => span.from <= at && span.to > at);
  const first = open ? at : episodes.find((span) => span.from >= at && span.from < end)?.from;
  return { unitId, kind, detail, at, deadline, alertAt: first, verdict: verdictOf(first, deadline, end) };
}

function verdictOf(alertAt: number | undefined, deadline: number, end: number): IncidentOutcome['verdict'] {
  if (alertAt === undefined || alertAt >= end) return end <= deadline ? 'found_first' : 'missed';
  return alertAt <= deadline ? 'caught' : 'late';
}

interface Span {
  from: number;
  to: number;
}

/** When a household's care episodes were open. */
function openSpans(alerts: readonly AlertItem[]): Span[] {
  const spans: Span[] = [];
  let open: number | undefined;
  for (const alert of alerts) {
    const at = fromWireTime(alert.event_time);
    if (alert.state === 'raised' && open === undefined) open = at;
    if (alert.state === 'cleared' && open !== undefined) {
      spans.push({ from: open, to: at });
      open = undefined;
    }
  }
  if (open !== undefined) spans.push({ from: open, to: Number.POSITIVE_INFINITY });
  return spans;
}

/** Where she was: at home, or away where the system could know it, or where nobody could. */
function whereabouts(household: SimulatedHousehold, minute: number): FalseVisitCause {
  const inside = (span: MinuteSpan) => minute >= span.from && minute < span.to;
  const away = household.away.find(inside);
  const outing = away ?? household.lived.out.find(inside);
  if (!outing) return 'at_home';
  const registered = away?.registered && away.registered.at <= minute && minute < away.registered.to;
  // Back later than registered: her card on the way out days ago says nothing of the late return.
  if (away?.registered && minute >= away.registered.to) return 'unknowable_absence';
  const cardOut = household.lived.life.gateCards.some((card) => card >= outing.from && card <= outing.from + 10);
  return registered || cardOut ? 'knowable_absence' : 'unknowable_absence';
}

function within(time: number, from: number, to: number): boolean {
  return time >= from && time <= to;
}

/** The per-seed table for a closing note: incidents caught, late, missed; false visits per 100 resident-weeks. */
export function scoreTable(scores: readonly CareScore[]): string {
  const header = ['seed', 'res-weeks', 'falls c/l/m/f', 'illness c/l/m/f', 'devices c/l/m/f', 'false/100rw', 'unknowable away/100rw', 'wrong clears', 'power-cut device alerts', 'false device alerts'];
  const rows = scores.map((score) => {
    const count = (kind: IncidentOutcome['kind']) => {
      const of = score.incidents.filter((incident) => incident.kind === kind);
      return ['caught', 'late', 'missed', 'found_first'].map((verdict) => of.filter((incident) => incident.verdict === verdict).length).join('/');
    };
    const rates = falseVisitRates(score);
    const devices = `${count('dead_device')}${score.incidents.some((incident) => incident.verdict === 'nothing_lost') ? ` (+${score.incidents.filter((incident) => incident.verdict === 'nothing_lost').length} nothing lost)` : ''}`;
    return [String(score.seed), String(score.residentWeeks), count('fall'), count('decline'), devices, rates.knowable.toFixed(2), rates.unknowable.toFixed(2), String(score.wrongClears.length), score.powerCutDeviceAlerts.join(','), String(score.falseDeviceAlerts.length)];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** "01-12 14:20": a time in the estate's local time, as the score lines give it. */
export function localClock(ms: number, utcOffsetMin: number): string {
  return new Date(ms + utcOffsetMin * MS_PER_MIN).toISOString().slice(5, 16).replace('T', ' ');
}

/**
 * What a care manager reads of one seed's score: every incident and its verdict (caught, late,
 * missed, found first, nothing lost) with the alert's time and the window's end, every false care
 * visit with its cause and the alert's words, every device alert nothing explains and every wrong clear.
 */
export function scoreLines(score: CareScore, utcOffsetMin: number, lang: 'en' | 'zh' = 'en'): string[] {
  const local = (ms: number) => localClock(ms, utcOffsetMin);
  const lines: string[] = [];
  for (const incident of score.incidents) {
    const alert = incident.alertAt === undefined ? 'no alert' : `alert ${local(incident.alertAt)}`;
    lines.push(`${incident.verdict.padEnd(12)} ${incident.unitId}  ${incident.kind}: ${incident.detail}; ${alert}, window to ${local(incident.deadline)}`);
  }
  for (const visit of score.falseVisits) {
    const cleared = visit.clearedAt === undefined ? 'never cleared' : `cleared ${Math.round((visit.clearedAt - visit.at) / MS_PER_MIN)} min later`;
    lines.push(`false visit  ${visit.unitId}  ${local(visit.at)} (${visit.cause}, ${visit.severity}, ${cleared}): ${visit.words[lang]}`);
  }
  for (const device of score.falseDeviceAlerts) lines.push(`false device alert  ${device.deviceId}  ${local(device.at)}: ${device.reason}`);
  for (const clear of score.wrongClears) lines.push(`wrong clear  ${clear.unitId}  ${local(clear.at)}: ${clear.why}`);
  return lines;
}

/** False care visits per 100 resident-weeks: at home or away where the system could know it, and away where nobody could. */
export function falseVisitRates(score: CareScore): { knowable: number; unknowable: number } {
  const per100 = (count: number) => (100 * count) / score.residentWeeks;
  const unknowable = score.falseVisits.filter((visit) => visit.cause === 'unknowable_absence').length;
  return { knowable: per100(score.falseVisits.length - unknowable), unknowable: per100(unknowable) };
}
