import { existsSync, readdirSync, rmSync } from 'node:fs';
import type { ParsedArgs } from '../command-spec.js';
import { UsageError } from '../cli-error.js';
import { portOption, secondsOption } from '../options.js';
import { runUntilSignal } from '../run-until-signal.js';

// Only light modules load before the first line is printed; the system itself (cloud, gateway,
// simulator and their libraries) is imported after it, which takes seconds on a small machine.

export const DEFAULT_DEMO_DIR = '.estatecare/demo';
export const DEFAULT_INCIDENT_AFTER_S = 20;
export const DEFAULT_CARE_INCIDENT_AFTER_S = 40;
export const DEFAULT_CARE_QUIET_LIMIT_S = 180;
/** What the demo writes in its data directory; a fresh start removes these and nothing else. */
const DEMO_DATA_ENTRIES = new Set(['cloud-db', 'gateway']);

/** estatecare demo: the whole system on embedded defaults, with a terminal made for people. */
export async function runDemoCommand({ values }: ParsedArgs): Promise<void> {
  const incidentAfterS = secondsOption(values['incident-after'], 'incident-after', DEFAULT_INCIDENT_AFTER_S);
  const careIncidentAfterS = secondsOption(values['care-incident-after'], 'care-incident-after', DEFAULT_CARE_INCIDENT_AFTER_S);
  const careQuietLimitS = secondsOption(values['care-quiet-limit'], 'care-quiet-limit', DEFAULT_CARE_QUIET_LIMIT_S);
  if (careQuietLimitS < 1) throw new UsageError(`--care-quiet-limit must be at least 1 second, got "${String(values['care-quiet-limit'])}"`);
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : DEFAULT_DEMO_DIR;
  const keepData = values['keep-data'] === true;
  const startedAt = Date.now();
  const say = (line: string): void => {
    const elapsed = ((Date.now() - startedAt) / 1000).toFixed(1).padStart(6);
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${elapsed} s  ${line}\n`);
  };

  say(`estatecare demo: cloud, gateway and a simulated estate on this machine, on embedded defaults`);
  if (keepData) say(`data in ${dataDir}, kept from earlier runs (--keep-data)`);
  else say(`data in ${dataDir}, started fresh (--keep-data keeps it across runs)`);
  if (!keepData) removeDemoData(dataDir);
  say('loading the cloud, the gateway and the simulator');
  const [{ createLogger, messageLogger }, { SHIPPED_PROFILES_DIR }, { DEFAULT_API_PORT, DEFAULT_EMBEDDED_BROKER_PORT }, { DEFAULT_LOCAL_BROKER_PORT }, { DEMO_HOUSEHOLD, DemoSystem }, { DEMO_ACCOUNTS, DEMO_PASSWORD }, { DEMO_ACK_WINDOW_MIN }] =
    await Promise.all([
      import('../../../shared/log/logger.js'),
      import('../../../shared/package-root.js'),
      import('../../../cloud/config/cloud-config.js'),
      import('../../../edge/config/gateway-config.js'),
      import('../../demo/demo-system.js'),
      import('../../demo/demo-staff.js'),
      import('../../demo/demo-dispatch.js'),
    ]);

  // Logs go to stderr at warn, so the terminal shows the headlines below and any trouble.
  const logger = createLogger('estatecare-demo', { level: values['log-level'] === 'info' ? 'info' : 'warn', fd: 2 });
  const demo = new DemoSystem({
    dataDir,
    apiPort: portOption(values['api-port'], 'api-port', DEFAULT_API_PORT),
    cloudMqttPort: portOption(values['cloud-mqtt-port'], 'cloud-mqtt-port', DEFAULT_EMBEDDED_BROKER_PORT),
    gatewayMqttPort: portOption(values['gateway-mqtt-port'], 'gateway-mqtt-port', DEFAULT_LOCAL_BROKER_PORT),
    incidentAfterMs: incidentAfterS * 1000,
    careIncidentAfterMs: careIncidentAfterS * 1000,
    careQuietLimitMin: careQuietLimitS / 60,
    profilesDir: SHIPPED_PROFILES_DIR,
    logger,
    // The log channel's notifications, as a person reads them, between the headlines.
    notificationLog: messageLogger((text) => say(`notification (log channel)\n${text.replace(/^/gm, '      ')}`)),
  });
  demo.onProgress((step) => say(`starting ${step}`));

  let incidentAt: number | null = null;
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
            '',
            `  console      ${api}/    (a phone or a desktop browser; sign in as demo.housekeeper, demo.facilities or demo.supervisor)`,
            `  API          ${api}/api/v1/tickets    OpenAPI ${api}/docs    health ${api}/healthz`,
            `  cloud MQTT   ${demo.cloud.brokerUrl}    gateway MQTT ${demo.gatewayBrokerUrl}`,
            `  sign in      POST ${api}/api/v1/session {"login","password"}  as ${DEMO_ACCOUNTS.map((account) => account.login).join(', ')}  password ${DEMO_PASSWORD}`,
            `  estate       a lift monitor and two door controllers (MQTT), a water main and flat ${DEMO_HOUSEHOLD.label}'s meter (Modbus TCP)`,
            `  what happens ${incidentAfterS} s from now a lift traps a passenger: a P1 lift entrapment ticket;`,
            `               ${careIncidentAfterS} s from now the resident of flat ${DEMO_HOUSEHOLD.label} falls, and after ${formatSeconds(careQuietLimitS)} of quiet`,
            `               her housekeeper gets a care visit ticket (a home's limit is 6 h; the demo's is short).`,
            `  dispatch     each ticket goes to the person on duty and its message is shown below (the log channel);`,
            `               a lift entrapment nobody acknowledges within ${DEMO_ACK_WINDOW_MIN} min escalates to demo.supervisor, then demo.manager.`,
            `               Acknowledge: POST ${api}/api/v1/tickets/{id}/ack signed in as demo.facilities.`,
            '  One line per ticket opened. Ctrl-C stops.',
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

function formatSeconds(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * A fresh start: removes what an earlier demo left in its data directory. A directory holding
 * anything else is not the demo's, and is left alone with a clear refusal.
 */
function removeDemoData(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const foreign = readdirSync(dataDir).filter((entry) => !DEMO_DATA_ENTRIES.has(entry));
  if (foreign.length > 0) {
    throw new UsageError(`--data-dir ${dataDir} holds ${foreign.slice(0, 3).join(', ')}, which the demo did not write: give an empty or new directory, or --keep-data`);
  }
  for (const entry of DEMO_DATA_ENTRIES) rmSync(`${dataDir}/${entry}`, { recursive: true, force: true });
}
