#!/usr/bin/env node
import { EXIT_OK, UsageError, reportFailure } from './cli-error.js';
import { SOFTWARE_VERSION } from '../../shared/version.js';
import { parseCommandLine, type CommandSpec } from './command-spec.js';
import { COMMANDS } from './command-table.js';
import { commandHelp, overviewHelp } from './help-text.js';

/** The command a line names, walking into subcommands: the spec, its path for messages, the rest. */
function resolveCommand(argv: string[]): { spec: CommandSpec; path: string; rest: string[] } {
  const [name, ...rest] = argv;
  let spec = COMMANDS.find((command) => command.name === name);
  if (!spec) throw new UsageError(`unknown command "${name}"`);
  let path = spec.name;
  while (spec.subcommands && rest[0] !== undefined && !rest[0].startsWith('-')) {
    const subName = rest.shift();
    const sub: CommandSpec | undefined = spec.subcommands.find((command) => command.name === subName);
    if (!sub) throw new UsageError(`unknown subcommand "${path} ${subName}"; one of: ${spec.subcommands.map((s) => s.name).join(', ')}`);
    spec = sub;
    path = `${path} ${sub.name}`;
  }
  return { spec, path, rest };
}

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(overviewHelp(COMMANDS));
    return EXIT_OK;
  }
  if (first === '--version' || first === 'version') {
    process.stdout.write(`${SOFTWARE_VERSION}\n`);
    return EXIT_OK;
  }
  const { spec, path, rest } = resolveCommand(argv);
  if (!spec.load) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(commandHelp(spec, path));
      return EXIT_OK;
    }
    throw new UsageError(`"${path}" needs a subcommand; one of: ${(spec.subcommands ?? []).map((s) => s.name).join(', ')}`);
  }
  const parsed = parseCommandLine(spec, path, rest);
  if (!parsed) {
    process.stdout.write(commandHelp(spec, path));
    return EXIT_OK;
  }
  await (await spec.load())(parsed);
  return EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFailure(error, (text) => process.stderr.write(`${text}\n`))),
);
