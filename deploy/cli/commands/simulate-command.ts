import { loadConfigFile } from '../../../shared/config/load-config.js';
import { createLogger } from '../../../shared/log/logger.js';
import { ComponentGroup, componentOf, type Component } from '../../../shared/lifecycle/component.js';
import { GATEWAY_ENV_OVERRIDES, GatewayConfigSchema } from '../../../edge/config/gateway-config.js';
import { loadProfiles } from '../../../edge/profiles/load-profiles.js';
import { resolveDeviceLogins } from '../../../edge/local-broker/device-logins.js';
import { createEstateSimulator } from '../../../edge/simulator/estate-simulator.js';
import { startSimulatedBuses, type SimulatedBuses } from '../../../edge/simulator/simulated-buses.js';
import { UsageError } from '../cli-error.js';
import type { ParsedArgs } from '../command-spec.js';
import { requireOption, secondsOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';

/**
 * estatecare simulate --config gateway.yaml: plays the devices a gateway config lists, where that
 * gateway will look for them: MQTT door controllers and lift monitors publishing into its local
 * broker, Modbus TCP meters on loopback endpoints, and Modbus RTU, DL/T 645 and CJ/T 188 meters on
 * virtual serial lines (socat) whose gateway ends are the configured serial paths.
 */
export async function runSimulateCommand({ values }: ParsedArgs): Promise<void> {
  const configFile = requireOption(values.config, 'config');
  const config = loadConfigFile(GatewayConfigSchema, configFile, { envOverrides: GATEWAY_ENV_OVERRIDES });
  const brokerUrl = config.local_broker.embedded ? `mqtt://${config.local_broker.host}:${config.local_broker.port}` : config.local_broker.url;
  const profiles = loadProfiles(config.profiles_dir);
  const logger = createLogger('estatecare-simulate', { level: config.log_level });
  const parts: Component[] = [];

  // Each simulated device logs in as the device, with the password the gateway's config gives it.
  const logins = new Map(resolveDeviceLogins(config, configFile).logins.map((login) => [login.deviceId, login]));
  const noPassword: string[] = [];
  const mqttDevices = config.devices.flatMap((device) => {
    const kind = profiles.get(device.profile)?.kind;
    if (!device.mqtt || (kind !== 'lift_monitor' && kind !== 'door_access_controller')) return [];
    if (!config.local_broker.embedded) return [{ id: device.id, kind, topic: device.mqtt.topic }];
    const login = logins.get(device.id);
    if (login?.secret.kind !== 'password') {
      noPassword.push(device.id);
      return [];
    }
    return [{ id: device.id, kind, topic: device.mqtt.topic, password: login.secret.password, clientId: login.clientId }];
  });
  if (noPassword.length > 0) {
    throw new UsageError(
      `the simulator logs in as each MQTT device; give ${noPassword.join(', ')} a password, password_file or password_env in local_broker.device_credentials (a password_hash cannot log in)`,
    );
  }
  if (mqttDevices.length > 0) {
    const simulator = createEstateSimulator({
      brokerUrl,
      devices: mqttDevices,
      incidentAfterMs: secondsOption(values['incident-after'], 'incident-after', 20) * 1000,
      logger,
    });
    simulator.onIncident((description) => logger.info({ incident: description }, 'incident staged'));
    parts.push(simulator);
  }
  if (config.buses.length > 0) {
    let buses: SimulatedBuses | null = null;
    parts.push(
      componentOf(
        'simulated-buses',
        async () => {
          buses = await startSimulatedBuses(config, profiles, logger);
          for (const line of buses.summary) process.stdout.write(`simulating ${line}\n`);
        },
        async () => buses?.stop(),
      ),
    );
  }
  if (parts.length === 0) throw new UsageError('the config lists no MQTT lift monitor or door controller and no field bus to simulate');
  await runUntilSignal(new ComponentGroup('simulate', parts, logger), (line) => logger.info(line));
}
