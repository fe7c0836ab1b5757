import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertItem, EventItem, ReadingItem } from '../../shared/contract/index.js';
import { ManualClock, type Clock } from '../../shared/time/clock.js';
import type { Outbox } from '../../edge/outbox/outbox.js';
import { SqliteOutbox, type SqliteOutboxOptions } from '../../edge/outbox/sqlite-outbox.js';

/** 2026-11-24T00:00:00Z: event times below are T0 + n ms. */
export const T0 = Date.parse('2026-11-24T00:00:00.000Z');

export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Item ids are zero-padded: ItemIdSchema wants at least 8 characters. */
const id = (kind: string, n: number): string => `${kind}-${String(n).padStart(8, '0')}`;

export const reading = (n: number, eventMs = n): ReadingItem => ({
  id: id('reading', n),
  device_id: 'em-1',
  point: 'active_power',
  value: n,
  unit: 'W',
  event_time: at(eventMs),
});

export const event = (n: number, eventMs = n): EventItem => ({
  id: id('event', n),
  device_id: 'lift-1',
  subject: { kind: 'asset', id: 'lift-1' },
  type: 'lift_alarm_button',
  event_time: at(eventMs),
  attributes: {},
});

export const alert = (n: number, eventMs = n): AlertItem => ({
  id: id('alert', n),
  episode_id: `episode-${n}`,
  revision: 1,
  rule: 'lift_alarm_button',
  subject: { kind: 'asset', id: 'lift-1' },
  category: 'lift_entrapment',
  severity: 'critical',
  state: 'raised',
  event_time: at(eventMs),
  reason: { zh: '困人', en: 'trapped' },
  evidence: {},
});

/**
 * A fresh folder for outbox files, and every SqliteOutbox opened in it; remove() closes them (a
 * second close is harmless) and deletes the folder.
 */
export class OutboxFolder {
  readonly dir = mkdtempSync(join(tmpdir(), 'estatecare-outbox-'));
  private readonly opened: SqliteOutbox[] = [];

  /** A path inside the folder. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  open(path = this.path('outbox.sqlite'), clock: Clock = new ManualClock(T0), options: SqliteOutboxOptions = {}): SqliteOutbox {
    const outbox = new SqliteOutbox(path, clock, options);
    this.opened.push(outbox);
    return outbox;
  }

  remove(): void {
    for (const outbox of this.opened.splice(0)) outbox.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Takes everything, and the ids in the order taken; each batch acknowledged (gone), or all released at the end (still stored). */
export async function takeAllIds(outbox: Outbox, then: 'acknowledge' | 'release'): Promise<string[]> {
  const ids: string[] = [];
  const keys: number[] = [];
  for (let batch = await outbox.take(500); batch; batch = await outbox.take(500)) {
    ids.push(...batch.items.map((item) => item.id));
    if (then === 'acknowledge') await outbox.acknowledge(batch.keys);
    else keys.push(...batch.keys);
  }
  await outbox.release(keys);
  return ids;
}
