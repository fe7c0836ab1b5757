import { ConfigError } from '../../shared/config/load-config.js';

/** Exit codes of the estatecare command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called; printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Turns whatever stopped the command into one clear message and an exit code. Config and usage
 * mistakes exit 2 with every problem listed; a port already in use or a service that does not answer
 * exits 1 naming it; anything else exits 1 with its message (the stack goes to the log, not the user).
 */
export function reportFailure(error: unknown, write: (text: string) => void): number {
  if (error instanceof ConfigError) {
    write(error.describe());
    return EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    write(`estatecare: ${error.message}\nRun "estatecare help" for the commands.`);
    return EXIT_USAGE;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const { address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
    write(`estatecare: ${address ?? 'address'}:${port ?? '?'} is already in use. Stop what holds it, or choose another port.`);
    return EXIT_FAILURE;
  }
  if (code === 'ECONNREFUSED') {
    write(`estatecare: could not connect: ${(error as Error).message}. Is the service running?`);
    return EXIT_FAILURE;
  }
  write(`estatecare: ${(error as Error | undefined)?.message ?? String(error)}`);
  return EXIT_FAILURE;
}
