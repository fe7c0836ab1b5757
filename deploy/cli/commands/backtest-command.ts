import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigFile } from '../../../shared/config/load-config.js';
import { DEFAULT_RULES_CONFIG, RulesConfigSchema, fromWireTime, toWireTime, type AlertItem } from '../../../shared/contract/index.js';
import { createLogger } from '../../../shared/log/logger.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { bindDevices } from '../../../edge/drivers/bind-devices.js';
import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import { createDefaultRules } from '../../../edge/rules/default-rules.js';
import { backtest, type BacktestSummary } from '../../../edge/rules/engine/backtest.js';
import { deviceInfoOf } from '../../../edge/rules/engine/device-directory.js';
import { falseVisitRates, localClock, scoreEstate, scoreLines, scoreTable } from '../../../edge/simulator/households/care-score.js';
import { DEFAULT_HOUSEHOLDS, DEFAULT_WEEKS, planEstate } from '../../../edge/simulator/households/estate-plan.js';
import { runEstate } from '../../../edge/simulator/households/run-estate.js';
import { simulateEstate } from '../../../edge/simulator/households/simulated-estate.js';
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
 *
 * estatecare backtest --simulated-estate SEED [--households N] [--weeks N] [--lang en|zh]
 *
 * Runs the rules over a simulated estate instead (edge/simulator/households/: elderly households
 * lived minute by minute, with their appliances, the meters' resolution and polls, habits, outages,
 * absences, carers and staged falls, illnesses and dead devices, all drawn from the seed) and prints
 * every alert change with its words in the language asked for (what the rules set aside included:
 * "Not counted as activity: ... at 05:52, 09:10"), then the score a care manager would give it:
 * each incident caught, late or missed against its window, and false care visits per 100
 * resident-weeks (care-score.ts).
 */
export async function runBacktestCommand({ values }: ParsedArgs): Promise<void> {
  if (values['simulated-estate'] !== undefined) return runSimulatedEstate(values);
  for (const option of SIMULATED_ESTATE_OPTIONS) if (values[option] !== undefined) throw new UsageError(`--${option} goes with --simulated-estate`);
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

const SIMULATED_ESTATE_OPTIONS = ['households', 'weeks', 'lang'] as const;
const MAX_SIMULATED_HOUSEHOLDS = 200;
const MAX_SIMULATED_WEEKS = 52;

async function runSimulatedEstate(values: ParsedArgs['values']): Promise<void> {
  for (const option of ['config', 'input', 'rules-config', 'until'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} does not go with --simulated-estate: the simulated estate brings its own devices, care profiles and inputs`);
  }
  const seed = wholeNumberOption(values['simulated-estate'], 'simulated-estate', 0, Number.MAX_SAFE_INTEGER);
  const households = values.households === undefined ? DEFAULT_HOUSEHOLDS : wholeNumberOption(values.households, 'households', 1, MAX_SIMULATED_HOUSEHOLDS);
  const weeks = values.weeks === undefined ? DEFAULT_WEEKS : wholeNumberOption(values.weeks, 'weeks', 1, MAX_SIMULATED_WEEKS);
  const lang = values.lang ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw new UsageError(`--lang must be en or zh, got "${String(lang)}"`);
  const json = values.json === true;
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);

  const estate = simulateEstate(planEstate({ seed, households, weeks }));
  const offset = estate.cal.utcOffsetMin;
  if (!json) out(`backtest of the simulated estate, seed ${seed}: ${households} households for ${weeks} weeks from ${localClock(estate.cal.startMs, offset).slice(0, 5)}, times local (UTC${utcOffsetText(offset)})`);
  const { alerts } = runEstate(estate);
  const score = scoreEstate(estate, alerts);
  for (const alert of alerts) out(json ? JSON.stringify(alertObject(alert)) : simulatedAlertLine(alert, offset, lang));
  if (json) {
    out(JSON.stringify({ score }));
    return;
  }
  const rates = falseVisitRates(score);
  out('');
  out(`score, seed ${seed}, ${score.residentWeeks} resident-weeks:`);
  for (const line of scoreLines(score, offset, lang)) out(`  ${line}`);
  out(`false care visits per 100 resident-weeks: ${rates.knowable.toFixed(2)} at home or away where the system could know it; ${rates.unknowable.toFixed(2)} away where nobody could`);
  out('');
  out(scoreTable([score]));
}

function simulatedAlertLine(alert: AlertItem, utcOffsetMin: number, lang: 'en' | 'zh'): string {
  const at = localClock(fromWireTime(alert.event_time), utcOffsetMin);
  return `${at}  ${alert.state.padEnd(7)}  ${alert.category.padEnd(16)}  ${`${alert.subject.kind} ${alert.subject.id}`.padEnd(18)}  ${alert.severity.padEnd(8)}  ${alert.reason[lang]}`;
}

function utcOffsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function wholeNumberOption(value: unknown, name: string, min: number, max: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  return number;
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
