import { UsageError } from './cli-error.js';

/** Checks of option values; the options themselves are declared in command-table.ts. */

export function requireOption(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

export function secondsOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--${name} must be a number of seconds, got "${String(value)}"`);
  return seconds;
}

export function portOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} must be a port number, got "${String(value)}"`);
  return port;
}

