import { loadConfigFile } from '../../../shared/config/load-config.js';
import { createLogger } from '../../../shared/log/logger.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import { createEstateSimulator } from '../../../edge/simulator/estate-simulator.js';
import { UsageError } from '../cli-error.js';
import { parseCommandArgs, requireOption, secondsOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';

/**
 * estatecare simulate --config gateway.yaml: plays the MQTT devices the gateway config lists, in
 * their profiles' payload formats, publishing into that gateway's local broker.
 */
export async function runSimulateCommand(args: string[]): Promise<void> {
  const values = parseCommandArgs(args, { config: { type: 'string', short: 'c' }, 'incident-after': { type: 'string' } });
  const config = loadConfigFile(GatewayConfigSchema, requireOption(values.config, 'config'), { envOverrides: GATEWAY_ENV_OVERRIDES });
  const brokerUrl = config.local_broker.embedded
    ? `mqtt://${config.local_broker.host}:${config.local_broker.port}`
    : config.local_broker.url;
  const profiles = loadProfiles(config.profiles_dir);
  const devices = config.devices.flatMap((device) => {
    const kind = profiles.get(device.profile)?.kind;
    if (!device.mqtt || (kind !== 'lift_monitor' && kind !== 'door_access_controller')) return [];
    return [{ id: device.id, kind, topic: device.mqtt.topic }];
  });
  if (devices.length === 0) throw new UsageError('the config lists no MQTT lift monitor or door controller to simulate');
  const logger = createLogger('estatecare-simulate', { level: config.log_level });
  const simulator = createEstateSimulator({
    brokerUrl,
    devices,
    incidentAfterMs: secondsOption(values['incident-after'], 'incident-after', 20) * 1000,
    logger,
  });
  simulator.onIncident((description) => logger.info({ incident: description }, 'incident staged'));
  await runUntilSignal(simulator, (line) => logger.info(line));
}
