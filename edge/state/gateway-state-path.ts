import { join } from 'node:path';

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
