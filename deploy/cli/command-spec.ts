import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';

/** One option of a command: what parseArgs needs, and what its help line says. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once; the value is then a list. */
  multiple?: boolean;
  /** Shown after the option in help, e.g. FILE, N, S. */
  placeholder?: string;
  description: string;
  /** The value used when the option is absent, as help shows it (the command applies it). */
  defaultText?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
}

/** What a command's runner receives: option values by name, and the positional arguments. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export type CommandRunner = (args: ParsedArgs) => Promise<void>;

/**
 * A command as data: its help text and its option parsing both come from here, so the two never
 * disagree. The runner is loaded only when the command is called, so "gateway" never loads the
 * cloud's libraries. A command with subcommands (profiles check) has no runner of its own.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Paragraphs shown under the usage line of the command's own help. */
  details?: string;
  options?: Record<string, OptionSpec>;
  positionals?: PositionalSpec[];
  subcommands?: CommandSpec[];
  load?: () => Promise<CommandRunner>;
}

/** --help and -h are understood by every command. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'this help' };

/**
 * Parses a command's arguments with node:util parseArgs in strict mode: an unknown option or a
 * missing value becomes a UsageError naming it; so do surplus positionals and missing required ones.
 * Returns null when help was asked for.
 */
export function parseCommandLine(spec: CommandSpec, path: string, args: string[]): ParsedArgs | null {
  const options = { ...(spec.options ?? {}), help: HELP_OPTION };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.multiple ? { multiple: true } : {}) }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  if (parsed.values.help === true) return null;
  const declared = spec.positionals ?? [];
  if (parsed.positionals.length > declared.length) {
    throw new UsageError(`${path}: unexpected argument "${parsed.positionals[declared.length]}"`);
  }
  const missing = declared.slice(parsed.positionals.length).find((positional) => !positional.optional);
  if (missing) throw new UsageError(`${path}: ${missing.name} is required`);
  const { help: _help, ...values } = parsed.values;
  return { values: values as ParsedArgs['values'], positionals: parsed.positionals };
}
