import type { ActiveEpisode } from '../rule.js';
import type { RuleStateChanges, RuleStateSnapshot, RuleStateStore, TakenInputRow, UnsentItem } from './rule-state-store.js';
import { openSqlite, type SqliteDatabase, type SqliteStatement } from '../../storage/sqlite.js';

/** Bumped with every change of the tables below; a newer file is refused rather than misread. */
const SCHEMA_VERSION = 4;

const SCHEMA = `
  -- Version 4: a rowid table (version 3 had it WITHOUT ROWID). Its values run to hundreds of bytes,
  -- and SQLite advises WITHOUT ROWID only for rows well under a twentieth of a page
  -- (https://sqlite.org/withoutrowid.html, section 4); upserting a batch of them costs about 35 %
  -- less in a rowid table (measured on the rules bench's commits).
  CREATE TABLE IF NOT EXISTS rule_state (
    rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (rule, key)
  );
  CREATE TABLE IF NOT EXISTS rule_timers (
    rule TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (rule, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS open_episodes (
    rule TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, episode TEXT NOT NULL,
    PRIMARY KEY (rule, subject_kind, subject_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS engine_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  -- Version 3 (version 2 kept alerts only, in unsent_alerts). seq keeps the order items were kept in.
  CREATE TABLE IF NOT EXISTS unsent_items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, id TEXT NOT NULL, item TEXT NOT NULL,
    UNIQUE (channel, id)
  );
  -- Version 3. A ring of input ids per device: at most the ring's size of rows per device.
  CREATE TABLE IF NOT EXISTS taken_inputs (
    device TEXT NOT NULL, slot INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (device, slot)
  ) WITHOUT ROWID;
`;

/** Versions 2 and 3 kept rule_state WITHOUT ROWID: renamed before SCHEMA makes the new one, copied after. */
const STATE_TO_ROWID = 'ALTER TABLE rule_state RENAME TO rule_state_without_rowid';
const STATE_FROM_WITHOUT_ROWID = `
  INSERT INTO rule_state (rule, key, value) SELECT rule, key, value FROM rule_state_without_rowid;
  DROP TABLE rule_state_without_rowid;
`;

/** Version 2 to 3: the alerts version 2 kept become unsent items, in the same order. */
const FROM_VERSION_2 = `
  INSERT INTO unsent_items (channel, id, item) SELECT 'alerts', id, alert FROM unsent_alerts ORDER BY seq;
  DROP TABLE unsent_alerts;
`;

/**
 * Page size of the file, bytes. A commit rewrites most rows (a meter's state changes with each of
 * its frames) and most are hundreds of bytes: 16 KiB pages write the rules bench's commits with
 * about a quarter less CPU and a third less wall time than SQLite's default 4 KiB (8 KiB: about half
 * the gain; 32 and 64 KiB: no more).
 */
const PAGE_SIZE = 16_384;

/**
 * WAL pages written before SQLite copies them back into the file: 256 of 16 KiB, the 4 MiB its
 * default of 1,000 pages (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint) came to with
 * 4 KiB pages, so the larger pages do not make the WAL file grow four times as large.
 */
const WAL_AUTOCHECKPOINT_PAGES = 256;

/**
 * The gateway's rule state in a SQLite file in its data_dir, WAL mode with synchronous=FULL so a
 * committed input survives a power cut. One commit is one transaction (measured here: ~330k rows/s
 * at 100 rows per transaction, against ~7.6k single-row commits/s; tests/bench/README.md), so the
 * gateway commits per batch of inputs, not per reading.
 */
export class SqliteRuleStateStore implements RuleStateStore {
  private readonly db: SqliteDatabase;
  private readonly upserts: { states: RowWriter; timers: RowWriter; episodes: RowWriter };
  private readonly deletes: Record<'state' | 'timer' | 'episode', SqliteStatement>;
  private readonly putTime: SqliteStatement;
  private readonly putUnsent: SqliteStatement;
  private readonly deleteUnsent: SqliteStatement;
  private readonly putTaken: SqliteStatement;
  private readonly apply: (changes: RuleStateChanges) => void;

  constructor(readonly path: string) {
    this.db = openSqlite(path, 'FULL', PAGE_SIZE);
    try {
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      const version = Number(this.db.pragma('user_version', { simple: true }));
      if (version > SCHEMA_VERSION) throw new Error(`${path}: rule state schema ${version} is newer than this software's ${SCHEMA_VERSION}`);
      this.db.transaction(() => {
        const stateWithoutRowid = version < 4 && this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rule_state'").get() !== undefined;
        if (stateWithoutRowid) this.db.exec(STATE_TO_ROWID);
        this.db.exec(SCHEMA);
        if (stateWithoutRowid) this.db.exec(STATE_FROM_WITHOUT_ROWID);
        if (version === 2) this.db.exec(FROM_VERSION_2);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.upserts = {
      states: new RowWriter(this.db, 'rule_state (rule, key, value)', '(rule, key) DO UPDATE SET value = excluded.value', 3),
      timers: new RowWriter(this.db, 'rule_timers (rule, key, at)', '(rule, key) DO UPDATE SET at = excluded.at', 3),
      episodes: new RowWriter(this.db, 'open_episodes (rule, subject_kind, subject_id, episode)', '(rule, subject_kind, subject_id) DO UPDATE SET episode = excluded.episode', 4),
    };
    this.deletes = {
      state: this.db.prepare('DELETE FROM rule_state WHERE rule = ? AND key = ?'),
      timer: this.db.prepare('DELETE FROM rule_timers WHERE rule = ? AND key = ?'),
      episode: this.db.prepare('DELETE FROM open_episodes WHERE rule = ? AND subject_kind = ? AND subject_id = ?'),
    };
    this.putTime = this.db.prepare("INSERT INTO engine_meta (name, value) VALUES ('engine_time', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    this.putUnsent = this.db.prepare('INSERT INTO unsent_items (channel, id, item) VALUES (?, ?, ?) ON CONFLICT (channel, id) DO UPDATE SET item = excluded.item');
    this.deleteUnsent = this.db.prepare('DELETE FROM unsent_items WHERE channel = ? AND id = ?');
    this.putTaken = this.db.prepare('INSERT INTO taken_inputs (device, slot, seq, id) VALUES (?, ?, ?, ?) ON CONFLICT (device, slot) DO UPDATE SET seq = excluded.seq, id = excluded.id');
    this.apply = this.db.transaction((changes: RuleStateChanges) => this.write(changes));
  }

  load(): RuleStateSnapshot {
    const time = this.db.prepare("SELECT value FROM engine_meta WHERE name = 'engine_time'").get() as { value: number } | undefined;
    const states = this.db.prepare('SELECT rule, key, value FROM rule_state').all() as Array<{ rule: string; key: string; value: string }>;
    const timers = this.db.prepare('SELECT rule, key, at FROM rule_timers').all() as Array<{ rule: string; key: string; at: number }>;
    const episodes = this.db.prepare('SELECT episode FROM open_episodes').all() as Array<{ episode: string }>;
    const unsent = this.db.prepare('SELECT channel, item FROM unsent_items ORDER BY seq').all() as Array<{ channel: UnsentItem['channel']; item: string }>;
    const taken = this.db.prepare('SELECT device, slot, seq, id FROM taken_inputs').all() as TakenInputRow[];
    return {
      engineTime: time ? Number(time.value) : null,
      states: states.map(({ rule, key, value }) => ({ rule, key, value: JSON.parse(value) as unknown })),
      timers: timers.map(({ rule, key, at }) => ({ rule, key, at: Number(at) })),
      episodes: episodes.map(({ episode }) => JSON.parse(episode) as ActiveEpisode),
      unsent: unsent.map(({ channel, item }) => ({ channel, item: JSON.parse(item) }) as UnsentItem),
      takenInputs: taken.map(({ device, slot, seq, id }) => ({ device, slot: Number(slot), seq: Number(seq), id })),
    };
  }

  /** One transaction; a batch never names one key twice (the engine commits each dirty key once). */
  commit(changes: RuleStateChanges): void {
    this.apply(changes);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write(changes: RuleStateChanges): void {
    const { states, timers, episodes } = this.upserts;
    for (const writer of [states, timers, episodes]) writer.reset(); // rows left by a batch that failed
    if (changes.engineTime !== undefined) this.putTime.run(changes.engineTime);
    for (const { rule, key, value } of changes.states) {
      if (value === undefined) this.deletes.state.run(rule, key);
      else states.add(rule, key, JSON.stringify(value));
    }
    for (const { rule, key, at } of changes.timers) {
      if (at === undefined) this.deletes.timer.run(rule, key);
      else timers.add(rule, key, at);
    }
    for (const { rule, subject, episode } of changes.episodes) {
      if (episode) episodes.add(rule, subject.kind, subject.id, JSON.stringify(episode));
      else this.deletes.episode.run(rule, subject.kind, subject.id);
    }
    states.flush();
    timers.flush();
    episodes.flush();
    for (const { channel, id, item } of changes.unsent ?? []) {
      if (item) this.putUnsent.run(channel, id, JSON.stringify(item.item));
      else this.deleteUnsent.run(channel, id);
    }
    for (const { device, slot, seq, id } of changes.takenInputs ?? []) this.putTaken.run(device, slot, seq, id);
  }
}

/** Rows per multi-row upsert: one statement for many rows costs about half per row (measured). */
const ROWS_PER_STATEMENT = 32;

/**
 * Upserts rows ROWS_PER_STATEMENT at a time with one multi-row INSERT ... ON CONFLICT DO UPDATE
 * (SQLite 3.24+), the rest one by one. The rows of one statement must name distinct keys.
 */
class RowWriter {
  private readonly many: SqliteStatement;
  private readonly one: SqliteStatement;
  /**
   * The values of the rows not yet written, the first `filled` of them: one array for every
   * statement (the statement copies what it binds), not one grown afresh for every 32 rows.
   */
  private readonly pending: unknown[];
  private filled = 0;

  constructor(
    db: SqliteDatabase,
    into: string,
    conflict: string,
    private readonly columns: number,
  ) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    this.many = db.prepare(`INSERT INTO ${into} VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => row).join(', ')} ON CONFLICT ${conflict}`);
    this.one = db.prepare(`INSERT INTO ${into} VALUES ${row} ON CONFLICT ${conflict}`);
    this.pending = new Array<unknown>(ROWS_PER_STATEMENT * columns).fill(null);
  }

  /** One row: its first `columns` values (no rest array per row: a commit writes thousands). */
  add(first: unknown, second: unknown, third: unknown, fourth?: unknown): void {
    const { pending } = this;
    pending[this.filled++] = first;
    pending[this.filled++] = second;
    pending[this.filled++] = third;
    if (this.columns === 4) pending[this.filled++] = fourth;
    if (this.filled === pending.length) {
      this.many.run(pending);
      this.filled = 0;
    }
  }

  reset(): void {
    this.filled = 0;
  }

  flush(): void {
    for (let start = 0; start < this.filled; start += this.columns) this.one.run(this.pending.slice(start, start + this.columns));
    this.filled = 0;
  }
}
