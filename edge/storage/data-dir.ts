import { join } from 'node:path';

/**
 * Every file a gateway keeps, by where it sits in its data_dir: the one place that names them, so
 * a reader sees at once what a gateway writes to its disk (and what a wipe of the box removes).
 */

/**
 * The gateway's state file in its data_dir. Named after the gateway id: a data_dir shared by two
 * gateway processes (the relative default .estatecare/gateway on a test or demo machine, a box
 * re-provisioned under another id) must not mix their rule state, or an episode one opened would
 * stop the other from raising its own.
 */
export function gatewayStatePath(dataDir: string, gatewayId: string): string {
  return join(dataDir, `gateway-state-${gatewayId}.sqlite`);
}

/** The gateway's durable outbox file in its data_dir, named after the gateway id for the same reason. */
export function gatewayOutboxPath(dataDir: string, gatewayId: string): string {
  return join(dataDir, `outbox-${gatewayId}.sqlite`);
}

/** The last good rules config the cloud sent (edge/config-sync/persisted-rules-config.ts). */
export function gatewayRulesConfigPath(dataDir: string): string {
  return join(dataDir, 'rules-config.json');
}

/** Where a gateway with record_inputs keeps its recordings of rule inputs (edge/rules/engine/input-recorder.ts). */
export function recordingsDir(dataDir: string): string {
  return join(dataDir, 'recordings');
}

/** The household activity hours not yet sent (edge/household-activity/household-activity-aggregator.ts). */
export function householdActivityPath(dataDir: string, gatewayId: string): string {
  return join(dataDir, `household-activity-${gatewayId}.json`);
}
