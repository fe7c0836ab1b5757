import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  level?: LogLevel;
  /** File descriptor to write JSON lines to: 1 (stdout, the default) or 2 (stderr, for the demo). */
  fd?: 1 | 2;
}

/**
 * One JSON logger per process; components take children of it named after themselves. Writes are
 * synchronous so the last lines before an exit are never lost.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino({ name, level: options.level ?? 'info', base: { service: name } }, pino.destination({ fd: options.fd ?? 1, sync: true }));
}

/** For tests and embedded use where nothing should be printed. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * A logger that hands each record's message to onMessage instead of writing JSON: for a terminal
 * that shows some records as people read them (the demo shows the log channel's notifications).
 */
export function messageLogger(onMessage: (message: string) => void): Logger {
  return pino({ level: 'info' }, { write: (line: string) => onMessage(String((JSON.parse(line) as { msg?: unknown }).msg ?? '')) });
}
