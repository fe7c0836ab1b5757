import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

/** One JSON logger per process; components take children of it named after themselves. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, base: { service: name } });
}

/** For tests and embedded use where nothing should be printed. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
