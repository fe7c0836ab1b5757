import { SOFTWARE_VERSION } from '../../shared/version.js';
import { HELP_OPTION, type CommandSpec, type OptionSpec } from './command-spec.js';

const COLUMN = 28;

/** `estatecare help`: every command, and its subcommands, with one line each. */
export function overviewHelp(commands: CommandSpec[]): string {
  const lines = [`estatecare ${SOFTWARE_VERSION}: estate-care IoT gateway and cloud`, '', 'Usage: estatecare <command> [options]', '', 'Commands:'];
  for (const command of commands) {
    if (command.subcommands) {
      for (const sub of command.subcommands) lines.push(row(`${command.name} ${sub.name}`, sub.summary));
    } else {
      lines.push(row(command.name, command.summary));
    }
  }
  lines.push(row('help', 'this text'), '', 'Run "estatecare <command> --help" for the options of one command.', '');
  return lines.join('\n');
}

/** `estatecare <command> --help`: usage, what it does, every option with its default. */
export function commandHelp(spec: CommandSpec, path: string): string {
  if (spec.subcommands) {
    const lines = [`Usage: estatecare ${path} <subcommand> [options]`, '', spec.summary, '', 'Subcommands:'];
    for (const sub of spec.subcommands) lines.push(row(sub.name, sub.summary));
    return `${lines.join('\n')}\n`;
  }
  const positionals = (spec.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name)).join(' ');
  const lines = [`Usage: estatecare ${path} [options]${positionals ? ` ${positionals}` : ''}`, '', spec.summary];
  if (spec.details) lines.push('', spec.details);
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const positional of spec.positionals) lines.push(row(positional.name, positional.description));
  }
  lines.push('', 'Options:');
  for (const [name, option] of Object.entries({ ...(spec.options ?? {}), help: HELP_OPTION })) lines.push(row(optionLabel(name, option), optionText(option)));
  return `${lines.join('\n')}\n`;
}

function optionLabel(name: string, option: OptionSpec): string {
  const long = `--${name}${option.placeholder ? ` ${option.placeholder}` : ''}`;
  return option.short ? `-${option.short}, ${long}` : `    ${long}`;
}

function optionText(option: OptionSpec): string {
  return option.defaultText ? `${option.description} (default: ${option.defaultText})` : option.description;
}

function row(label: string, text: string): string {
  const left = `  ${label}`;
  return left.length < COLUMN ? `${left.padEnd(COLUMN)}${text}` : `${left}\n${' '.repeat(COLUMN)}${text}`;
}
