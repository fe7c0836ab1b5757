import { pino } from 'pino';
import type { Logger } from '../../shared/log/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger whose lines (debug and up) a test can read, parsed. */
export function capturedLog(): { logger: Logger; lines: LogLine[]; at(level: 'debug' | 'info' | 'warn'): LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (text: string) => void lines.push(JSON.parse(text) as LogLine) });
  return { logger, lines, at: (level) => lines.filter((line) => line.level === pino.levels.values[level]) };
}
