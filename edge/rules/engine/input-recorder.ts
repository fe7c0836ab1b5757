import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromWireTime, toWireTime } from '../../../shared/contract/index.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { Clock } from '../../../shared/time/clock.js';
import type { EngineInput } from './engine-input.js';

/** A tick line is written at most this often: enough to say "time passed", not one line a second. */
export const RECORDED_TICK_EVERY_MS = 60_000;

/**
 * Writes every input of the rule engine, in the order handled, as JSON Lines (engine-input.ts) to
 * recordings/YYYY-MM-DD.jsonl (UTC date of the gateway clock), so `estatecare backtest` can replay
 * what this gateway saw through other thresholds. Household signals stay on the gateway
 * (shared/contract/README.md, privacy): recordings are never sent anywhere. Write failures are
 * logged and counted, never thrown into the pipeline.
 */
export class InputRecorder {
  private fd: number | null = null;
  private day = '';
  private lastTick = -Infinity;
  failures = 0;

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  record(input: EngineInput): void {
    if (input.kind === 'tick') {
      const at = fromWireTime(input.at);
      if (at - this.lastTick < RECORDED_TICK_EVERY_MS) return;
      this.lastTick = at;
    }
    try {
      writeSync(this.file(), `${JSON.stringify(input)}\n`);
    } catch (error) {
      if (this.failures++ === 0) this.logger.error({ err: error, dir: this.dir }, 'recording engine inputs failed; later failures are only counted');
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private file(): number {
    const day = toWireTime(this.clock.now()).slice(0, 10);
    if (this.fd === null || day !== this.day) {
      this.close();
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(join(this.dir, `${day}.jsonl`), 'a');
      this.day = day;
    }
    return this.fd;
  }
}
