/**
 * npm run bench: every benchmark, each a ratio against a bare baseline measured in the same run
 * (tests/bench/README.md: the machines are shared and noisy, so absolute figures move and ratios hold).
 * Not part of npm test. Exits 1 when a target was missed.
 */
import { printTable, type BenchRow } from './bench-table.js';
import { benchModbusPolling } from './modbus-polling.bench.js';
import { benchGatewayMemory } from './gateway-memory.bench.js';
import { benchRules } from './rules.bench.js';
import { benchOutbox } from './outbox.bench.js';
import { benchUplinkDrain } from './uplink-drain.bench.js';
import { benchPoisonedIngest } from './poisoned-ingest.bench.js';
import { benchFailover } from './failover.bench.js';
import { benchDispatchNotify } from './dispatch-notify.bench.js';
import { benchTicketEvidence } from './ticket-evidence.bench.js';
import { benchIngestInflux, benchIngestSql } from './ingest-throughput.bench.js';
import { benchFleetRamp } from './fleet-ramp.bench.js';

const BENCHMARKS: Record<string, () => Promise<BenchRow[]>> = {
  'modbus-polling': benchModbusPolling,
  'gateway-memory': benchGatewayMemory,
  rules: benchRules,
  outbox: benchOutbox,
  'uplink-drain': benchUplinkDrain,
  'poisoned-ingest': benchPoisonedIngest,
  failover: benchFailover,
  'dispatch-notify': benchDispatchNotify,
  'ticket-evidence': benchTicketEvidence,
  'ingest-influx': benchIngestInflux,
  'ingest-sql': benchIngestSql,
  'fleet-ramp': benchFleetRamp,
};

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const [name, run] of Object.entries(BENCHMARKS)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  rows.push(...(await run()));
}
printTable(rows);
process.exit(rows.every((row) => row.met) ? 0 : 1);
