import { resolve } from 'node:path';
import type { AlertItem } from '../shared/contract/index.js';
import { ComponentGroup, type Component } from '../shared/lifecycle/component.js';
import type { Logger } from '../shared/log/logger.js';
import { systemClock, type Clock } from '../shared/time/clock.js';
import { DEFAULT_RECEIPT_MAX_TIMEOUT_S, type GatewayConfig } from './config/gateway-config.js';
import { bindDevices } from './drivers/bind-devices.js';
import { createDriver } from './drivers/create-driver.js';
import { settleBuses } from './drivers/settle-buses.js';
import type { Driver } from './drivers/driver.js';
import { createLocalBroker } from './local-broker/create-local-broker.js';
import { DurableOutbox } from './outbox/durable-outbox.js';
import { DevicePipeline } from './pipeline/device-pipeline.js';
import type { GatewayStats } from './pipeline/gateway-stats.js';
import { loadProfiles } from './profiles/load-profiles.js';
import type { DriverName } from './profiles/device-profile.js';
import { createDefaultRules } from './rules/default-rules.js';
import { deviceInfoOf } from './rules/engine/device-directory.js';
import { RulesRuntime } from './rules/engine/rules-runtime.js';
import { gatewayOutboxPath, gatewayStatePath, householdActivityPath, recordingsDir } from './storage/data-dir.js';
import { SqliteRuleStateStore } from './rules/state/sqlite-rule-state-store.js';
import { EnvelopeFactory } from './uplink/envelope-factory.js';
import { StatusReporter } from './uplink/status-reporter.js';
import { UplinkClient } from './uplink/uplink-client.js';
import { PolledDriver } from './bus/polled-driver.js';
import { isUnstableSerialPath } from './bus/bus-config.js';
import { ConfigSync } from './config-sync/config-sync.js';
import { CareStateTap } from './household-activity/care-state-tap.js';
import { HouseholdActivityAggregator } from './household-activity/household-activity-aggregator.js';

export interface GatewayOptions {
  logger: Logger;
  clock?: Clock;
  /** Overrides config.profiles_dir (relative paths resolve against the working directory). */
  profilesDir?: string;
}

export interface Gateway extends Component {
  readonly id: string;
  /** Every alert change the rules produce, as it is put into the outbox; returns an unsubscribe. */
  onAlert(listener: (alert: AlertItem) => void): () => void;
  stats(): GatewayStats;
  /** The broker devices publish into; for an embedded broker on port 0, known after start(). */
  readonly localBrokerUrl: string;
  /** The rules config version in force (as the status reports it); null on the built-in defaults. */
  configVersion(): string | null;
}

/**
 * The gateway's composition root. Builds everything from the config (profiles are loaded and devices
 * bound here, so a bad config fails before anything opens a socket: ConfigError lists every problem),
 * then starts rules (state in data_dir) -> pipeline (resend, wall-clock tick) -> household activity -> local broker -> uplink -> status reporter
 * -> drivers and stops them in reverse.
 */
export function createGateway(config: GatewayConfig, options: GatewayOptions): Gateway {
  const clock = options.clock ?? systemClock;
  const gatewayId = config.gateway.id;
  const logger = options.logger.child({ gateway: gatewayId });
  const profiles = loadProfiles(resolve(options.profilesDir ?? config.profiles_dir));
  const devices = bindDevices(config.devices, profiles, config.buses, `gateway ${gatewayId} config`);

  const brokerConfig = config.local_broker;
  const localBroker = createLocalBroker(config, logger.child({ component: 'local-broker' }));
  const localBrokerUrl = (): string => (localBroker ? localBroker.url : brokerConfig.embedded ? '' : brokerConfig.url);

  // Everything sent up is written to a SQLite outbox first and deleted when the cloud's receipt
  // says it is stored (edge/outbox/, edge/uplink/receipt-tracker.ts).
  const dataDir = resolve(config.data_dir);
  const outbox = new DurableOutbox(gatewayOutboxPath(dataDir, gatewayId), clock, {
    maxBytes: config.outbox.max_bytes,
    logger: logger.child({ component: 'outbox' }),
  });
  const uplink = new UplinkClient({
    url: config.uplink.url,
    username: config.uplink.username,
    password: config.uplink.password,
    keepaliveS: config.uplink.keepalive_s,
    reconnectPeriodMs: config.uplink.reconnect_period_ms,
    drainShare: config.outbox.drain_share,
    receipts: config.uplink.wait_for_receipts
      ? {
          timeoutMs: config.uplink.receipt_timeout_s * 1000,
          maxTimeoutMs: Math.max(config.uplink.receipt_timeout_s, DEFAULT_RECEIPT_MAX_TIMEOUT_S) * 1000,
        }
      : null,
    outbox,
    envelopes: new EnvelopeFactory(gatewayId, clock),
    logger: logger.child({ component: 'uplink' }),
  });

  // Rule state survives restarts and power cuts in a SQLite file in data_dir, opened at start;
  // the pipeline commits it once per batch of inputs.
  // The store is tapped for the care rule's learned routine, which the household activity aggregates carry.
  let careState: CareStateTap | null = null;
  const rules = new RulesRuntime({
    rules: createDefaultRules(),
    devices: devices.map(deviceInfoOf),
    openStore: () => (careState = new CareStateTap(new SqliteRuleStateStore(gatewayStatePath(dataDir, gatewayId)))),
    clock,
    recordTo: config.record_inputs ? recordingsDir(dataDir) : null,
    logger: logger.child({ component: 'rules' }),
  });

  const alertListeners = new Set<(alert: AlertItem) => void>();
  // Hourly activity aggregates of the households enrolled with consent (edge/household-activity/).
  const householdActivity = new HouseholdActivityAggregator({
    devices: devices.map(deviceInfoOf),
    outbox,
    onAppended: () => uplink.kick(),
    clock,
    careState: (unitId) => careState?.householdState(unitId),
    statePath: householdActivityPath(dataDir, gatewayId),
    logger: logger.child({ component: 'household-activity' }),
  });
  const pipeline = new DevicePipeline({
    engine: rules,
    clock,
    outbox,
    onAppended: () => uplink.kick(),
    onAlert: (alert) => alertListeners.forEach((listener) => listener(alert)),
    logger: logger.child({ component: 'pipeline' }),
    observers: [householdActivity],
  });

  // Rule parameters and care profiles: the cloud's retained config message, kept on disk; a local
  // file until the cloud has sent one; else the defaults (edge/config-sync/config-sync.ts).
  const configSync = new ConfigSync({
    gatewayId,
    dataDir,
    localFile: config.rules_config_file,
    messages: uplink,
    apply: (inForce) => {
      rules.setConfig(inForce.rules);
      householdActivity.setConfig(inForce.rules.care);
    },
    logger: logger.child({ component: 'config-sync' }),
  });

  const statusReporter = new StatusReporter({
    uplink,
    outbox,
    clock,
    intervalMs: config.uplink.status_interval_s * 1000,
    devicesOffline: () => pipeline.devicesOffline(),
    deviceClocks: () => pipeline.deviceClocks(),
    buses: () => [...drivers.values()].flatMap((driver) => (driver instanceof PolledDriver ? driver.busCounters() : [])),
    configVersion: () => configSync.inForce.version,
    logger: logger.child({ component: 'status' }),
  });

  const buses = new Map(settleBuses(config.buses, devices, { logger }).map((bus) => [bus.id, bus]));
  for (const bus of config.buses) {
    if (bus.transport === 'serial' && isUnstableSerialPath(bus.path)) {
      logger.warn({ bus: bus.id, path: bus.path }, 'serial port named by enumeration order; use /dev/serial/by-id/... so a re-enumerated adapter keeps its bus');
    }
  }
  const drivers = new Map<DriverName, Driver>();
  for (const device of devices) {
    let driver = drivers.get(device.profile.driver);
    if (!driver) {
      driver = createDriver(device.profile.driver, { gatewayId, sink: pipeline, logger, clock, localBrokerUrl, embeddedBroker: localBroker, buses });
      drivers.set(device.profile.driver, driver);
    }
    driver.addDevice(device);
  }

  // The rules, then the pipeline (resend, tick) start first and stop last: timers run from the
  // start, and the state closes only after the drivers have stopped feeding it and what they
  // handed in is in the outbox.
  const group = new ComponentGroup(
    `gateway-${gatewayId}`,
    [configSync, outbox, rules, pipeline, householdActivity, ...(localBroker ? [localBroker] : []), uplink, statusReporter, ...drivers.values()],
    logger,
  );

  return {
    id: gatewayId,
    name: group.name,
    start: () => group.start(),
    stop: () => group.stop(),
    onAlert(listener) {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },
    stats: () => pipeline.stats(),
    get localBrokerUrl() {
      return localBrokerUrl();
    },
    configVersion: () => configSync.inForce.version,
  };
}
