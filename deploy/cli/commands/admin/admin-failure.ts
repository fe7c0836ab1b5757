import { isAppError } from '../../../../cloud/platform/app-error.js';
import { UsageError } from '../../cli-error.js';

/** Where each field of the services' input comes from on the command line. */
const OPTION_OF_FIELD: ReadonlyArray<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^login$/, () => '--login'],
  [/^display_name$/, () => '--name'],
  [/^password$/, () => 'the password'],
  [/^grants\.(\d+)/, (match) => `--role #${Number(match[1]) + 1}`],
];

function optionOf(path: string): string {
  for (const [pattern, name] of OPTION_OF_FIELD) {
    const match = pattern.exec(path);
    if (match) return name(match);
  }
  return path;
}

/** An invalid input becomes a usage error naming the option at fault; anything else is left as it is. */
export function asCommandLineError(error: unknown): unknown {
  if (!isAppError(error, 'invalid')) return error;
  return new UsageError(error.fields.map((field) => `${optionOf(field.path)}: ${field.message}`).join('; '));
}
