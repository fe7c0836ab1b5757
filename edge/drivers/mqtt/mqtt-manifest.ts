import type { DriverProtocolManifest } from '../protocol-manifest.js';
import { MqttDriver } from './mqtt-driver.js';
import { MqttDeviceProfileSchema, type MqttDeviceProfile } from './mqtt-profile.js';

/**
 * Devices that publish JSON into the gateway's local broker (door controllers, lift monitors). A
 * device is found by its topic, so two devices may not share one.
 */
export const mqttManifest: DriverProtocolManifest<MqttDeviceProfile> = {
  kind: 'driver',
  name: 'mqtt',
  profileSchema: MqttDeviceProfileSchema,
  endpointOf(device, profile) {
    const topic = device.mqtt?.topic;
    if (topic === undefined) return { field: 'mqtt.topic', message: `profile ${profile.id} uses the mqtt driver, so the device needs mqtt.topic` };
    return { field: 'mqtt.topic', key: topic, label: `topic "${topic}"` };
  },
  createDriver: (context) =>
    new MqttDriver({
      brokerUrl: context.localBrokerUrl,
      embeddedBroker: context.embeddedBroker ?? undefined,
      clientId: `estatecare-gw-${context.gatewayId}-mqtt-driver`,
      sink: context.sink,
      logger: context.logger.child({ component: 'mqtt-driver' }),
      clock: context.clock,
    }),
};
