import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../edge/storage/sqlite.js';
import { MemoryRuleStateData, MemoryRuleStateStore } from '../../edge/rules/state/memory-rule-state-store.js';
import { SqliteRuleStateStore } from '../../edge/rules/state/sqlite-rule-state-store.js';
import { ruleStateStoreContract } from './rule-state-store.contract.js';

ruleStateStoreContract('memory', () => {
  const data = new MemoryRuleStateData();
  return { open: () => new MemoryRuleStateStore(data), dispose: () => undefined };
});

ruleStateStoreContract('SQLite (WAL, synchronous=FULL) in a temp folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-rule-state-'));
  // A folder that does not exist yet: the store creates it.
  const path = join(dir, 'data', 'gateway-state.sqlite');
  return { open: () => new SqliteRuleStateStore(path), dispose: () => rmSync(dir, { recursive: true, force: true }) };
});

describe('SQLite rule state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'estatecare-rule-state-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is in WAL mode with synchronous=FULL', () => {
    const path = join(dir, 'wal.sqlite');
    new SqliteRuleStateStore(path).close();
    const db = openSqlite(path, 'FULL');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal'); // kept in the file
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('carries the unsent alerts of a version 2 file over, in order', () => {
    const path = join(dir, 'version-2.sqlite');
    const db = openSqlite(path, 'FULL');
    db.exec('CREATE TABLE unsent_alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, alert TEXT NOT NULL)');
    for (const id of ['b', 'a']) db.prepare('INSERT INTO unsent_alerts (id, alert) VALUES (?, ?)').run(id, JSON.stringify({ id, state: 'raised' }));
    db.pragma('user_version = 2');
    db.close();
    const store = new SqliteRuleStateStore(path);
    expect(store.load().unsent).toEqual([
      { channel: 'alerts', item: { id: 'b', state: 'raised' } },
      { channel: 'alerts', item: { id: 'a', state: 'raised' } },
    ]);
    store.close();
  });

  it('carries the rule state of a version 3 file (kept WITHOUT ROWID) over', () => {
    const path = join(dir, 'version-3.sqlite');
    const db = openSqlite(path, 'FULL');
    db.exec('CREATE TABLE rule_state (rule TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (rule, key)) WITHOUT ROWID');
    db.prepare('INSERT INTO rule_state (rule, key, value) VALUES (?, ?, ?), (?, ?, ?)').run('r', 'a', '{"at":1}', 's', 'b', '2');
    db.pragma('user_version = 3');
    db.close();
    const store = new SqliteRuleStateStore(path);
    expect(store.load().states).toEqual(expect.arrayContaining([{ rule: 'r', key: 'a', value: { at: 1 } }, { rule: 's', key: 'b', value: 2 }]));
    store.commit({ states: [{ rule: 'r', key: 'a', value: { at: 2 } }], timers: [], episodes: [] });
    store.close();
    const reopened = new SqliteRuleStateStore(path);
    expect(reopened.load().states).toHaveLength(2);
    expect(reopened.load().states).toContainEqual({ rule: 'r', key: 'a', value: { at: 2 } });
    reopened.close();
    const file = openSqlite(path, 'FULL');
    expect((file.prepare("SELECT sql FROM sqlite_master WHERE name = 'rule_state'").get() as { sql: string }).sql).not.toMatch(/WITHOUT ROWID/);
    expect(file.prepare("SELECT name FROM sqlite_master WHERE name = 'rule_state_without_rowid'").get()).toBeUndefined();
    file.close();
  });

  it('is made with 16 KiB pages, and a file with 4 KiB pages is rewritten with them, keeping its data', () => {
    const fresh = join(dir, 'fresh.sqlite');
    new SqliteRuleStateStore(fresh).close();
    const made = openSqlite(fresh, 'FULL');
    expect(made.pragma('page_size', { simple: true })).toBe(16_384);
    made.close();

    // A file with 4 KiB pages, as earlier versions made: written by the store, then rewritten.
    const path = join(dir, 'small-pages.sqlite');
    const older = new SqliteRuleStateStore(path);
    older.commit({ engineTime: 7, states: [{ rule: 'r', key: 'a', value: { at: 1 } }], timers: [{ rule: 'r', key: 't', at: 9 }], episodes: [] });
    older.close();
    const small = openSqlite(path, 'FULL', 4096);
    expect(small.pragma('page_size', { simple: true })).toBe(4096);
    small.close();

    const store = new SqliteRuleStateStore(path);
    expect(store.load()).toMatchObject({ engineTime: 7, states: [{ rule: 'r', key: 'a', value: { at: 1 } }], timers: [{ rule: 'r', key: 't', at: 9 }] });
    store.close();
    const file = openSqlite(path, 'FULL');
    expect(file.pragma('page_size', { simple: true })).toBe(16_384);
    expect(file.pragma('journal_mode', { simple: true })).toBe('wal');
    file.close();
  });

  it('refuses a file written by newer software rather than misread it', () => {
    const path = join(dir, 'newer.sqlite');
    const db = openSqlite(path, 'FULL');
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteRuleStateStore(path)).toThrow(/schema 99 is newer/);
  });
});
