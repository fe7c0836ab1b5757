#!/usr/bin/env node
import { EXIT_OK, UsageError, reportFailure } from './cli-error.js';
import { SOFTWARE_VERSION } from '../../shared/version.js';

const HELP = `estatecare ${SOFTWARE_VERSION}: estate-care IoT gateway and cloud

Usage: estatecare <command> [options]

Commands:
  demo                       the whole system on this machine on embedded defaults: cloud (aedes
                             broker, PGlite, SQL telemetry), one gateway and a simulated estate
      --data-dir DIR         where the demo keeps its databases (default .estatecare/demo)
      --api-port N           HTTP API and docs (default 8470)
      --incident-after S     seconds until the simulated lift incident (default 20)
  cloud --config FILE        the cloud service: ingest, tickets, API
  gateway --config FILE      the estate gateway: local broker, drivers, rules, uplink
  simulate --config FILE     simulated estate devices for the gateway described by FILE
      --incident-after S     seconds until the staged lift incident (default 20)
  migrate --config FILE      apply database migrations of the cloud described by FILE, then exit
  admin SUBCOMMAND --config FILE   staff accounts on the cloud's database (migrated first), as the
                             operator: admin of every estate
      create-first-admin --login L [--name N]   the installation's first administrator
      add-staff --login L --name N --role R [--role R...] [--no-password]
                             R: ROLE@ESTATE, ROLE@ESTATE:BUILDING,BUILDING (a housekeeper of some
                             buildings) or admin@*; roles: housekeeper, facilities, lift_contractor,
                             supervisor, estate_manager, admin
      reset-password --login L   new password; ends every session of the account
      revoke-sessions --login L  ends every session of the account at once
      list-staff
      --password-stdin       read the password from standard input instead of generating one
                             (a generated password is printed once)
  profiles check [DIR]       lint a device-profile catalogue (default: the shipped one)
  backtest --config FILE     replay recorded rule inputs through the rules and print what would
                             have fired and when, then a summary (the gateway's devices from FILE)
      --input PATH           a recording: a .jsonl file, or a folder of them replayed in name order
                             (default: data_dir/recordings of FILE, written with record_inputs: true)
      --rules-config FILE    rule parameters and care profiles to try (YAML; default: built-in)
                             A recording has one JSON object per line, in the order handled:
                               {"kind":"event","item":<EventItem>}
                               {"kind":"readings","frame":{"device_id","subject","event_time","readings"}}
                               {"kind":"availability","device_id":"m-1","online":false,
                                "reason":"no_response","at":"2026-11-24T08:00:00.000Z"}
                               {"kind":"tick","at":"2026-11-24T08:01:00.000Z"}  (time passing)
  help                       this text

Secrets may come from the environment: ESTATECARE_DATABASE_URL, ESTATECARE_BROKER_PASSWORD,
ESTATECARE_INFLUX_PASSWORD (cloud), ESTATECARE_UPLINK_PASSWORD (gateway).
`;

type CommandRunner = (args: string[]) => Promise<void>;

/** Each command is loaded only when called, so "gateway" never loads the cloud's libraries. */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  demo: async () => (await import('./commands/demo-command.js')).runDemoCommand,
  cloud: async () => (await import('./commands/cloud-command.js')).runCloudCommand,
  gateway: async () => (await import('./commands/gateway-command.js')).runGatewayCommand,
  simulate: async () => (await import('./commands/simulate-command.js')).runSimulateCommand,
  migrate: async () => (await import('./commands/migrate-command.js')).runMigrateCommand,
  admin: async () => (await import('./commands/admin-command.js')).runAdminCommand,
  profiles: async () => (await import('./commands/profiles-command.js')).runProfilesCommand,
  backtest: async () => (await import('./commands/backtest-command.js')).runBacktestCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return EXIT_OK;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${SOFTWARE_VERSION}\n`);
    return EXIT_OK;
  }
  const load = COMMANDS[command];
  if (!load) throw new UsageError(`unknown command "${command}"`);
  await (await load())(rest);
  return EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFailure(error, (text) => process.stderr.write(`${text}\n`))),
);
