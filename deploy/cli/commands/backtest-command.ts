import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile } from '../../../shared/config/load-config.js';
import { DEFAULT_RULES_CONFIG, RulesConfigSchema, toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { createLogger } from '../../../shared/log/logger.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { bindDevices } from '../../../edge/drivers/bind-devices.js';
import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { backtest, type BacktestSummary } from '../../../edge/rules/engine/backtest.js';
import { deviceInfoOf } from '../../../edge/rules/engine/device-directory.js';
import { recordingsDir } from '../../../edge/storage/data-dir.js';
import { readRecording } from '../../../edge/rules/engine/recording-reader.js';
import { UsageError } from '../cli-error.js';
import type { ParsedArgs } from '../command-spec.js';
import { requireOption } from '../options.js';

/** Skipped lines named one by one on stderr before only the count is kept. */
const SKIPPED_SHOWN = 10;

/**
 * estatecare backtest --config gateway.yaml [--input recording.jsonl|folder] [--rules-config rules.yaml]
 *
 * Replays a recording (edge/rules/engine/engine-input.ts; a gateway with record_inputs: true
 * writes one per day under data_dir/recordings, the default --input) through a fresh in-memory
 * engine with the gateway's devices and the default rules, and prints every alert change with its
 * event time, then a summary. Exit 0 whatever fired; 2 for a usage or config mistake.
 */
export async function runBacktestCommand({ values }: ParsedArgs): Promise<void> {
  const configFile = requireOption(values.config, 'config');
  const gatewayConfig = loadConfigFile(GatewayConfigSchema, configFile, { envOverrides: GATEWAY_ENV_OVERRIDES });
  const rulesFile = values['rules-config'];
  const rules = typeof rulesFile === 'string' ? loadConfigFile(RulesConfigSchema, rulesFile) : DEFAULT_RULES_CONFIG;
  const input = resolve(typeof values.input === 'string' ? values.input : recordingsDir(gatewayConfig.data_dir));
  if (!existsSync(input)) throw new UsageError(`no recording at ${input}`);
  const until = untilOption(values.until);
  const json = values.json === true;
  const profiles = loadProfiles(resolve(gatewayConfig.profiles_dir));
  const devices = bindDevices(gatewayConfig.devices, profiles, gatewayConfig.buses, configFile).map(deviceInfoOf);

  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  let skipped = 0;
  if (!json) out(`backtest of ${input}: ${devices.length} devices of gateway ${gatewayConfig.gateway.id}, rules config ${typeof rulesFile === 'string' ? rulesFile : 'defaults'}`);
  const summary = await backtest(readRecording(input), {
    rules: createDefaultRules(),
    devices,
    config: rules,
    ...(until === undefined ? {} : { until }),
    logger: createLogger('estatecare-backtest', { level: 'warn', fd: 2 }),
    onAlert: (alert) => out(json ? JSON.stringify(alertObject(alert)) : alertLine(alert)),
    onSkipped: (where, problem) => {
      skipped++;
      if (skipped <= SKIPPED_SHOWN) process.stderr.write(`skipped ${where}: ${problem}\n`);
    },
  });
  if (json) return;
  for (const line of summaryLines(summary)) out(line);
}

function untilOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`--until must be an ISO 8601 time such as 2026-11-24T12:00:00+08:00, got "${String(value)}"`);
  return ms;
}

/** One alert change of --json: what a script needs to score or diff a replay. */
function alertObject(alert: AlertItem): Record<string, unknown> {
  const { event_time, state, category, rule, severity, subject, episode_id, revision, reason, evidence } = alert;
  return { event_time, state, category, rule, severity, subject, episode_id, revision, reason, evidence };
}

function alertLine(alert: AlertItem): string {
  return `${alert.event_time}  ${alert.state.padEnd(7)}  ${alert.category.padEnd(16)}  ${`${alert.subject.kind} ${alert.subject.id}`.padEnd(24)}  ${alert.severity.padEnd(8)}  ${alert.reason.en}`;
}

function summaryLines(summary: BacktestSummary): string[] {
  const { inputs } = summary;
  const total = inputs.event + inputs.readings + inputs.availability + inputs.tick;
  const span = summary.from === null || summary.to === null ? 'no inputs' : `${toWireTime(summary.from)} to ${toWireTime(summary.to)}`;
  const lines = [
    '',
    `replayed ${total} inputs (${inputs.readings} reading frames, ${inputs.event} events, ${inputs.availability} availability changes, ${inputs.tick} ticks), ${span}${summary.skipped > 0 ? `; ${summary.skipped} lines skipped` : ''}`,
    `alert changes: ${summary.alerts.raised} raised, ${summary.alerts.updated} updated, ${summary.alerts.cleared} cleared`,
  ];
  for (const [category, counts] of Object.entries(summary.byCategory).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  ${category.padEnd(16)}  ${counts.raised} raised, ${counts.updated} updated, ${counts.cleared} cleared`);
  }
  lines.push(`open at the end: ${summary.openAtEnd.length}`);
  for (const episode of summary.openAtEnd) {
    lines.push(`  ${episode.category.padEnd(16)}  ${`${episode.subject.kind} ${episode.subject.id}`.padEnd(24)}  raised ${episode.raised_at}  ${episode.reason.en}`);
  }
  return lines;
}
