import type { CommandSpec, OptionSpec } from './command-spec.js';

const CONFIG_OPTION = (what: string): OptionSpec => ({ type: 'string', short: 'c', placeholder: 'FILE', description: `the ${what} config (YAML)` });

const ADMIN_CONFIG: OptionSpec = { type: 'string', short: 'c', placeholder: 'FILE', description: "the cloud config (YAML): its database is migrated and its estates registered first" };
const ADMIN_LOGIN: OptionSpec = { type: 'string', placeholder: 'LOGIN', description: 'the staff account' };
const PASSWORD_STDIN: OptionSpec = { type: 'boolean', description: 'read the password from standard input instead of generating one (a generated password is printed once)' };

/** estatecare admin <subcommand>: people and access from the terminal, acting as the operator (admin of every estate). */
function adminSubcommand(name: AdminSubcommandName, summary: string, options: Record<string, OptionSpec>, details?: string): CommandSpec {
  return {
    name,
    summary,
    ...(details ? { details } : {}),
    options: { config: ADMIN_CONFIG, ...options },
    load: async () => (await import('./commands/admin-command.js')).adminCommand(name),
  };
}
type AdminSubcommandName = 'create-first-admin' | 'add-staff' | 'reset-password' | 'revoke-sessions' | 'list-staff' | 'broker-files';

const RECORDING_FORMAT = `A recording has one JSON object per line, in the order handled:
  {"kind":"event","item":<EventItem>}
  {"kind":"readings","frame":{"device_id","subject","event_time","readings"}}
  {"kind":"availability","device_id":"m-1","online":false,"reason":"no_response","at":"2026-11-24T08:00:00.000Z"}
  {"kind":"tick","at":"2026-11-24T08:01:00.000Z"}  (time passing)`;

/** Every command of `estatecare`, in the order help lists them. */
export const COMMANDS: CommandSpec[] = [
  {
    name: 'demo',
    summary: 'the whole system on this machine on embedded defaults: cloud, one gateway and a simulated estate',
    details:
      'Runs the cloud (aedes broker, PGlite, telemetry in the same database), one gateway with its local broker, and a simulator that plays a lift monitor, door controllers and meters; stages a lift entrapment and a fall of an enrolled resident. Starts fresh unless --keep-data.',
    options: {
      'data-dir': { type: 'string', placeholder: 'DIR', description: 'where the demo keeps its databases', defaultText: '.estatecare/demo' },
      'keep-data': { type: 'boolean', description: "keep the databases of earlier runs (tickets, sign-ins, the gateway's outbox) instead of starting fresh" },
      'api-port': { type: 'string', placeholder: 'N', description: 'HTTP API and docs', defaultText: '8470' },
      'cloud-mqtt-port': { type: 'string', placeholder: 'N', description: "the cloud's embedded MQTT broker", defaultText: '18830' },
      'gateway-mqtt-port': { type: 'string', placeholder: 'N', description: "the gateway's local MQTT broker", defaultText: '18831' },
      'incident-after': { type: 'string', placeholder: 'S', description: 'seconds from start-up until the simulated lift incident', defaultText: '20' },
      'care-incident-after': { type: 'string', placeholder: 'S', description: "seconds from start-up until the enrolled flat's resident falls", defaultText: '40' },
      'care-quiet-limit': { type: 'string', placeholder: 'S', description: 'seconds of quiet before her care visit ticket (a home has hours)', defaultText: '180' },
      'log-level': { type: 'string', placeholder: 'LEVEL', description: 'warn (headlines only) or info', defaultText: 'warn' },
    },
    load: async () => (await import('./commands/demo-command.js')).runDemoCommand,
  },
  {
    name: 'cloud',
    summary: 'the cloud service: ingest, tickets, API',
    details: 'Secrets may come from the environment: ESTATECARE_DATABASE_URL, ESTATECARE_BROKER_PASSWORD, ESTATECARE_INFLUX_PASSWORD.',
    options: { config: CONFIG_OPTION('cloud') },
    load: async () => (await import('./commands/cloud-command.js')).runCloudCommand,
  },
  {
    name: 'gateway',
    summary: 'the estate gateway: local broker, drivers, rules, uplink',
    details: 'The uplink password may come from the environment: ESTATECARE_UPLINK_PASSWORD; device passwords from the variables the config names (local_broker.device_credentials: password_env).',
    options: { config: CONFIG_OPTION('gateway') },
    load: async () => (await import('./commands/gateway-command.js')).runGatewayCommand,
  },
  {
    name: 'simulate',
    summary: 'simulated estate devices, where the gateway described by the config looks for them',
    options: {
      config: CONFIG_OPTION('gateway'),
      'incident-after': { type: 'string', placeholder: 'S', description: 'seconds until the staged lift incident', defaultText: '20' },
    },
    load: async () => (await import('./commands/simulate-command.js')).runSimulateCommand,
  },
  {
    name: 'migrate',
    summary: "apply the database migrations of the cloud described by the config, then exit",
    options: { config: CONFIG_OPTION('cloud') },
    load: async () => (await import('./commands/migrate-command.js')).runMigrateCommand,
  },
  {
    name: 'admin',
    summary: "staff accounts and the broker's files on the cloud's database, as the operator",
    subcommands: [
      adminSubcommand('create-first-admin', "the installation's first administrator", {
        login: ADMIN_LOGIN,
        name: { type: 'string', placeholder: 'NAME', description: 'the name shown in the console', defaultText: 'the login' },
        'password-stdin': PASSWORD_STDIN,
      }),
      adminSubcommand(
        'add-staff',
        'add a staff member with roles per estate',
        {
          login: ADMIN_LOGIN,
          name: { type: 'string', placeholder: 'NAME', description: 'the name shown in the console' },
          role: { type: 'string', multiple: true, placeholder: 'ROLE@ESTATE', description: 'a role, one or more times' },
          'password-stdin': PASSWORD_STDIN,
          'no-password': { type: 'boolean', description: 'an account that signs in only after an admin sets its password' },
        },
        'ROLE@ESTATE, ROLE@ESTATE:BUILDING,BUILDING (a housekeeper of some buildings) or admin@*; roles: housekeeper, facilities, lift_contractor, supervisor, estate_manager, admin.',
      ),
      adminSubcommand('reset-password', 'a new password; ends every session of the account', { login: ADMIN_LOGIN, 'password-stdin': PASSWORD_STDIN }),
      adminSubcommand('revoke-sessions', 'end every session of the account at once (a lost phone, a housekeeper who leaves)', { login: ADMIN_LOGIN }),
      adminSubcommand('list-staff', 'every staff account with its roles', {}),
      adminSubcommand(
        'broker-files',
        "Mosquitto's password file and ACL for the gateway credentials issued in the registry",
        { out: { type: 'string', placeholder: 'DIR', description: 'the folder to write estatecare.passwd and estatecare.acl into (created if missing)' } },
        "The password file holds every gateway's password in force and, when the config gives it (broker.password or ESTATECARE_BROKER_PASSWORD), the cloud's own two accounts (its connection's and its urgent lane's, broker.urgent_lane); a revoked gateway is left out. Install both files where deploy/mosquitto/estatecare.conf names them and reload Mosquitto (SIGHUP). Run it again after every issue, rotation or revocation.",
      ),
    ],
  },
  {
    name: 'profiles',
    summary: 'device profiles',
    subcommands: [
      {
        name: 'check',
        summary: 'lint a device-profile catalogue',
        details: 'Every file parses, matches its schema and its driver\'s attribute schema, is named after its id, has unique snake_case points with canonical units, and no two points share a register or data identifier. Exit 2 listing every problem.',
        positionals: [{ name: 'DIR', description: 'the catalogue folder (default: the shipped one)', optional: true }],
        load: async () => (await import('./commands/profiles-command.js')).runProfilesCheckCommand,
      },
    ],
  },
  {
    name: 'hash-password',
    summary: "read a password on standard input and print its hash, for a device's password_hash in the gateway config",
    details: 'The password never appears on the command line, where other users of the box could read it.',
    load: async () => (await import('./commands/hash-password-command.js')).runHashPasswordCommand,
  },
  {
    name: 'backtest',
    summary: 'replay recorded rule inputs (or a simulated estate) through the rules and print what would have fired and when',
    details: RECORDING_FORMAT,
    options: {
      config: CONFIG_OPTION('gateway'),
      input: { type: 'string', short: 'i', placeholder: 'PATH', description: 'a .jsonl recording, or a folder of them replayed in name order', defaultText: 'data_dir/recordings of the config' },
      'rules-config': { type: 'string', placeholder: 'FILE', description: 'rule parameters and care profiles to try (YAML)', defaultText: 'built-in' },
      until: { type: 'string', placeholder: 'TIME', description: 'the end of the replay (ISO 8601): timers due by then fire even after the last recorded input' },
      json: { type: 'boolean', description: 'one JSON object per alert change on stdout, then none of the text summary (with --simulated-estate, a last one holding the score)' },
      'simulated-estate': { type: 'string', placeholder: 'SEED', description: 'run the rules over a simulated estate drawn from SEED instead of a recording, and score them as a care manager would (no --config)' },
      households: { type: 'string', placeholder: 'N', description: 'households of the simulated estate', defaultText: '16' },
      weeks: { type: 'string', placeholder: 'N', description: 'weeks the simulated estate is lived', defaultText: '12' },
      lang: { type: 'string', placeholder: 'en|zh', description: "the language of the simulated estate's alert words", defaultText: 'en' },
    },
    load: async () => (await import('./commands/backtest-command.js')).runBacktestCommand,
  },
];
