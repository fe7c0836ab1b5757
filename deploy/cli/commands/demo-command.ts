import { createLogger } from '../../../shared/log/logger.js';
import { SHIPPED_PROFILES_DIR } from '../../../shared/package-root.js';
import { DEFAULT_API_PORT, DEFAULT_EMBEDDED_BROKER_PORT } from '../../../cloud/config/cloud-config.js';
import { DEFAULT_LOCAL_BROKER_PORT } from '../../../edge/config/gateway-config.js';
import { DemoSystem } from '../../demo/demo-system.js';
import type { ParsedArgs } from '../command-spec.js';
import { portOption, secondsOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../demo/demo-staff.js';

const DEFAULT_DEMO_DIR = '.estatecare/demo';
const DEFAULT_INCIDENT_AFTER_S = 20;

/** estatecare demo: the whole system on embedded defaults, with a terminal made for people. */
export async function runDemoCommand({ values }: ParsedArgs): Promise<void> {
  const incidentAfterS = secondsOption(values['incident-after'], 'incident-after', DEFAULT_INCIDENT_AFTER_S);
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : DEFAULT_DEMO_DIR;
  // Logs go to stderr at warn, so the terminal shows the headlines below and any trouble.
  const logger = createLogger('estatecare-demo', { level: values['log-level'] === 'info' ? 'info' : 'warn', fd: 2 });
  const demo = new DemoSystem({
    dataDir,
    apiPort: portOption(values['api-port'], 'api-port', DEFAULT_API_PORT),
    cloudMqttPort: portOption(values['cloud-mqtt-port'], 'cloud-mqtt-port', DEFAULT_EMBEDDED_BROKER_PORT),
    gatewayMqttPort: portOption(values['gateway-mqtt-port'], 'gateway-mqtt-port', DEFAULT_LOCAL_BROKER_PORT),
    incidentAfterMs: incidentAfterS * 1000,
    profilesDir: SHIPPED_PROFILES_DIR,
    logger,
  });

  const startedAt = Date.now();
  let incidentAt: number | null = null;
  const say = (line: string): void => {
    process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
  };
  demo.onIncident((description) => {
    incidentAt = Date.now();
    say(`incident staged: ${description}`);
  });
  demo.onTicketOpened((ticket) => {
    const since = incidentAt ?? startedAt;
    const delay = ((Date.now() - since) / 1000).toFixed(1);
    say(`ticket opened  ${ticket.priority} ${ticket.type}  ${ticket.subjectKind} ${ticket.subjectId}  "${ticket.reasonEn}"  id ${ticket.id}  (${delay} s after the ${incidentAt ? 'incident' : 'start'})`);
  });

  await runUntilSignal(
    {
      name: 'demo',
      start: async () => {
        await demo.start();
        const api = demo.cloud.apiUrl;
        process.stdout.write(
          [
            'estatecare demo: cloud, gateway and a simulated estate on this machine (embedded defaults)',
            `  API          ${api}/api/v1/tickets    OpenAPI ${api}/docs    health ${api}/healthz`,
            `  cloud MQTT   ${demo.cloud.brokerUrl}    gateway MQTT ${demo.gatewayBrokerUrl}`,
            `  sign in      POST ${api}/api/v1/session {"login","password"}  as ${DEMO_ACCOUNTS.map((account) => account.login).join(', ')}  password ${DEMO_PASSWORD}`,
            `  data         ${dataDir}`,
            `  estate       a lift monitor and a door controller (MQTT), a water main and a household meter (Modbus TCP)`,
            `  a lift incident is staged in ${incidentAfterS} s; one line per ticket opened. Ctrl-C stops.`,
            '',
          ].join('\n'),
        );
      },
      stop: () => demo.stop(),
    },
    say,
  );
  say('stopped');
}
