import { afterEach, describe, expect, it } from 'vitest';
import type { AlertItem, EventItem } from '../../shared/contract/index.js';
import type { ActiveEpisode } from '../../edge/rules/rule.js';
import type { RuleStateChanges, RuleStateStore, UnsentItem } from '../../edge/rules/state/rule-state-store.js';

/** A place a store keeps its data; open() gives a new store object (a new connection) over it. */
export interface StoreHarness {
  open(): RuleStateStore;
  /** Removes what the harness made. */
  dispose(): void;
}

const episode = (id: string, revision = 1): ActiveEpisode => ({
  episode_id: `episode-${id}`,
  rule: 'lift_entrapment',
  subject: { kind: 'asset', id },
  category: 'lift_entrapment',
  severity: 'critical',
  revision,
  raised_at: '2026-11-24T08:00:15.000Z',
  reason: { zh: '困人', en: 'trapped' },
  evidence: { stopped_s: 15, floor: 7, device_id: id, note: null, confirmed: true },
});

const unsentAlert: AlertItem = {
  id: 'alert-0001',
  episode_id: 'episode-0001',
  revision: 1,
  rule: 'lift_entrapment',
  subject: { kind: 'asset', id: 'lift-1' },
  category: 'lift_entrapment',
  severity: 'critical',
  state: 'raised',
  event_time: '2026-11-24T08:00:15.000Z',
  reason: { zh: '困人', en: 'trapped' },
  evidence: {},
};

const unsentEvent: EventItem = {
  id: 'event-0001',
  device_id: 'lift-1',
  subject: { kind: 'asset', id: 'lift-1' },
  type: 'lift_alarm_button',
  event_time: '2026-11-24T08:00:14.000Z',
  attributes: {},
};

const changes = (partial: Partial<RuleStateChanges>): RuleStateChanges => ({ states: [], timers: [], episodes: [], ...partial });

/**
 * What every RuleStateStore must do (one suite, every backend). The engine relies
 * on exactly this: committed batches come back after a reopen, after a crash without close, and a
 * failed batch leaves nothing behind.
 */
export function ruleStateStoreContract(name: string, makeHarness: () => StoreHarness): void {
  describe(`RuleStateStore contract: ${name}`, () => {
    let harness: StoreHarness;
    const opened: RuleStateStore[] = [];
    const open = (): RuleStateStore => {
      harness ??= makeHarness();
      const store = harness.open();
      opened.push(store);
      return store;
    };
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
      harness?.dispose();
      harness = undefined as unknown as StoreHarness;
    });

    it('starts empty', () => {
      expect(open().load()).toEqual({ engineTime: null, states: [], timers: [], episodes: [], unsent: [], takenInputs: [] });
    });

    it('keeps unsent alerts and events in the order kept until they are deleted by channel and id, across a reopen', () => {
      const store = open();
      const alert = (id: string): UnsentItem => ({ channel: 'alerts', item: { ...unsentAlert, id, episode_id: `episode-${id}` } });
      // An event may carry the id of an alert: channel and id name an item together.
      const event: UnsentItem = { channel: 'events', item: { ...unsentEvent, id: 'a-3' } };
      const put = (item: UnsentItem) => ({ channel: item.channel, id: item.item.id, item });
      store.commit(changes({ states: [{ rule: 'r', key: 'k', value: 1 }], unsent: [put(alert('a-2')), put(alert('a-1')), put(event)] }));
      store.commit(changes({ unsent: [put(alert('a-3')), { channel: 'alerts', id: 'a-2' }] }));
      expect(open().load().unsent).toEqual([alert('a-1'), event, alert('a-3')]);
      store.commit(changes({ unsent: [{ channel: 'events', id: 'a-3' }] }));
      expect(open().load().unsent).toEqual([alert('a-1'), alert('a-3')]);
    });

    it('keeps the ring slots of input ids, a slot written again holding its latest id', () => {
      const store = open();
      store.commit(changes({ takenInputs: [{ device: 'lift-1', slot: 0, seq: 0, id: 'm-0' }, { device: 'lift-1', slot: 1, seq: 1, id: 'm-1' }, { device: 'door-1', slot: 0, seq: 0, id: 'd-0' }] }));
      store.commit(changes({ takenInputs: [{ device: 'lift-1', slot: 0, seq: 2, id: 'm-2' }] }));
      const rows = open().load().takenInputs.sort((a, b) => `${a.device}/${a.slot}`.localeCompare(`${b.device}/${b.slot}`));
      expect(rows).toEqual([
        { device: 'door-1', slot: 0, seq: 0, id: 'd-0' },
        { device: 'lift-1', slot: 0, seq: 2, id: 'm-2' },
        { device: 'lift-1', slot: 1, seq: 1, id: 'm-1' },
      ]);
    });

    it('gives back committed state, timers, episodes and engine time as JSON values', () => {
      const store = open();
      store.commit(
        changes({
          engineTime: 1_764_000_000_123,
          states: [
            { rule: 'lift_fault', key: 'lift-1', value: { seen_at: 5, faults: { door_close_fault: { since: 1, confirmed: false } }, list: [1, 2] } },
            { rule: 'device_offline', key: 'meter-1', value: 42 },
            { rule: 'device_offline', key: 'why:meter-1', value: 'no_response' },
          ],
          timers: [
            { rule: 'lift_entrapment', key: 'lift-1', at: 1_764_000_015_000 },
            { rule: 'device_offline', key: 'meter-1', at: 1_764_000_090_000 },
          ],
          episodes: [{ rule: 'lift_entrapment', subject: { kind: 'asset', id: 'lift-1' }, episode: episode('lift-1') }],
        }),
      );
      const snapshot = store.load();
      expect(snapshot.engineTime).toBe(1_764_000_000_123);
      expect(sortByKey(snapshot.states)).toEqual(
        sortByKey([
          { rule: 'lift_fault', key: 'lift-1', value: { seen_at: 5, faults: { door_close_fault: { since: 1, confirmed: false } }, list: [1, 2] } },
          { rule: 'device_offline', key: 'meter-1', value: 42 },
          { rule: 'device_offline', key: 'why:meter-1', value: 'no_response' },
        ]),
      );
      expect(sortByKey(snapshot.timers)).toEqual(sortByKey([
        { rule: 'lift_entrapment', key: 'lift-1', at: 1_764_000_015_000 },
        { rule: 'device_offline', key: 'meter-1', at: 1_764_000_090_000 },
      ]));
      expect(snapshot.episodes).toEqual([episode('lift-1')]);
    });

    it('replaces and deletes entries by key', () => {
      const store = open();
      store.commit(changes({ states: [{ rule: 'r', key: 'a', value: 1 }, { rule: 'r', key: 'b', value: 2 }], timers: [{ rule: 'r', key: 't', at: 10 }], episodes: [{ rule: 'r', subject: { kind: 'asset', id: 'x' }, episode: episode('x') }] }));
      store.commit(changes({ states: [{ rule: 'r', key: 'a', value: 'changed' }, { rule: 'r', key: 'b' }], timers: [{ rule: 'r', key: 't', at: 20 }], episodes: [{ rule: 'r', subject: { kind: 'asset', id: 'x' }, episode: episode('x', 2) }] }));
      let snapshot = store.load();
      expect(snapshot.states).toEqual([{ rule: 'r', key: 'a', value: 'changed' }]);
      expect(snapshot.timers).toEqual([{ rule: 'r', key: 't', at: 20 }]);
      expect(snapshot.episodes.map((e) => e.revision)).toEqual([2]);
      store.commit(changes({ timers: [{ rule: 'r', key: 't' }], episodes: [{ rule: 'r', subject: { kind: 'asset', id: 'x' } }] }));
      snapshot = store.load();
      expect(snapshot.timers).toEqual([]);
      expect(snapshot.episodes).toEqual([]);
    });

    it('keeps the same key of different rules and subjects apart', () => {
      const store = open();
      store.commit(
        changes({
          states: [{ rule: 'a', key: 'k', value: 1 }, { rule: 'b', key: 'k', value: 2 }],
          episodes: [
            { rule: 'a', subject: { kind: 'asset', id: 'x' }, episode: { ...episode('x'), rule: 'a' } },
            { rule: 'a', subject: { kind: 'device', id: 'x' }, episode: { ...episode('x'), rule: 'a', subject: { kind: 'device', id: 'x' } } },
          ],
        }),
      );
      const snapshot = store.load();
      expect(sortByKey(snapshot.states).map((s) => s.value)).toEqual([1, 2]);
      expect(snapshot.episodes).toHaveLength(2);
    });

    it('keeps what was committed after close and reopen', () => {
      const first = open();
      first.commit(changes({ engineTime: 7, states: [{ rule: 'r', key: 'k', value: [1] }], timers: [{ rule: 'r', key: 't', at: 99 }] }));
      first.close();
      const second = open();
      expect(second.load()).toMatchObject({ engineTime: 7, states: [{ rule: 'r', key: 'k', value: [1] }], timers: [{ rule: 'r', key: 't', at: 99 }] });
    });

    it('keeps what was committed when the process dies without closing (a second connection sees it)', () => {
      const killed = open();
      killed.commit(changes({ engineTime: 11, timers: [{ rule: 'r', key: 't', at: 123 }], episodes: [{ rule: 'lift_entrapment', subject: { kind: 'asset', id: 'lift-1' }, episode: episode('lift-1') }] }));
      // no close(): the power went
      const survivor = open();
      expect(survivor.load()).toMatchObject({ engineTime: 11, timers: [{ rule: 'r', key: 't', at: 123 }], episodes: [episode('lift-1')] });
      survivor.commit(changes({ timers: [{ rule: 'r', key: 't' }] }));
      expect(open().load().timers).toEqual([]);
    });

    it('commits a batch all or nothing', () => {
      const store = open();
      store.commit(changes({ states: [{ rule: 'r', key: 'kept', value: 1 }] }));
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => store.commit(changes({ engineTime: 5, states: [{ rule: 'r', key: 'ok', value: 2 }, { rule: 'r', key: 'bad', value: cyclic }], timers: [{ rule: 'r', key: 't', at: 1 }] }))).toThrow();
      expect(store.load()).toEqual({ engineTime: null, states: [{ rule: 'r', key: 'kept', value: 1 }], timers: [], episodes: [], unsent: [], takenInputs: [] });
      // and the next batch carries nothing of the failed one
      store.commit(changes({ states: [{ rule: 'r', key: 'next', value: 3 }] }));
      expect(sortByKey(store.load().states).map((row) => row.key)).toEqual(['kept', 'next']);
    });

    it('commits a large batch (more rows than one statement holds)', () => {
      const store = open();
      const many = Array.from({ length: 1000 }, (_, i) => ({ rule: 'device_offline', key: `meter-${i}`, value: i }));
      store.commit(changes({ states: many, timers: many.map(({ rule, key, value }) => ({ rule, key, at: value })) }));
      store.commit(changes({ states: many.slice(0, 500).map(({ rule, key }) => ({ rule, key, value: 'again' })) }));
      const snapshot = store.load();
      expect(snapshot.states).toHaveLength(1000);
      expect(snapshot.states.filter((row) => row.value === 'again')).toHaveLength(500);
      expect(snapshot.timers).toHaveLength(1000);
    });

    it('can be closed twice', () => {
      const store = open();
      store.close();
      expect(() => store.close()).not.toThrow();
    });
  });
}

function sortByKey<T extends { rule: string; key: string }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => `${a.rule}/${a.key}`.localeCompare(`${b.rule}/${b.key}`));
}
