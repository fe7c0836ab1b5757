import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../shared/log/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface RecordingLogger {
  logger: Logger;
  lines: LogLine[];
  /** Resolves once `count` lines with this message have been logged (counting those already there). */
  waitFor(msg: string, count?: number): Promise<LogLine[]>;
}

/** A logger that keeps every line it is given, so a test can wait on what a component reports. */
export function recordingLogger(level: pino.LevelWithSilent = 'debug'): RecordingLogger {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text) lines.push(JSON.parse(text) as LogLine);
      waiters.forEach((check) => check());
      done();
    },
  });
  return {
    logger: pino({ level }, sink),
    lines,
    waitFor(msg, count = 1) {
      return new Promise((resolve) => {
        const check = (): void => {
          const matching = lines.filter((line) => line.msg === msg);
          if (matching.length < count) return;
          waiters.delete(check);
          resolve(matching);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
