import type { FrameParser } from './frame-parser.js';

/** Bytes kept while waiting for a frame; more is noise or a stuck line (DL/T 645 frames are <= 216). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024;

export type AssemblyResult =
  | { status: 'frame'; frame: Uint8Array; skipped: number }
  | { status: 'corrupt'; reason: string; skipped: number };

/**
 * Collects the chunks a serial port delivers for one reply and asks the protocol's parser, after
 * each chunk, whether a frame is complete. Pure: no port, no timers (the link owns those).
 */
export class FrameAssembler {
  private buffer = new Uint8Array(0);
  /** Bytes dropped as noise or preamble since the last reset. */
  private dropped = 0;

  constructor(
    private readonly parser: FrameParser,
    private readonly maxBuffered = DEFAULT_MAX_BUFFERED_BYTES,
  ) {}

  /** Forgets everything received: called before each request, so stale bytes never answer it. */
  reset(): void {
    this.buffer = new Uint8Array(0);
    this.dropped = 0;
  }

  /** Bytes held that may still become a frame (for the timeout message). */
  get pending(): Uint8Array {
    return this.buffer;
  }

  get skipped(): number {
    return this.dropped;
  }

  /** Adds a chunk; returns the outcome once the parser has decided, undefined while it waits. */
  push(chunk: Uint8Array): AssemblyResult | undefined {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const scan = this.parser(joined);
    if (scan.status === 'frame') {
      const skipped = this.dropped + scan.start;
      this.reset();
      return { status: 'frame', frame: joined.slice(scan.start, scan.end), skipped };
    }
    if (scan.status === 'corrupt') {
      const skipped = this.dropped;
      this.reset();
      return { status: 'corrupt', reason: scan.reason, skipped };
    }
    let keepFrom = scan.keepFrom;
    // A line that keeps sending without ever completing a frame must not grow the buffer forever.
    if (joined.length - keepFrom > this.maxBuffered) keepFrom = joined.length - this.maxBuffered;
    this.dropped += keepFrom;
    this.buffer = joined.slice(keepFrom);
    return undefined;
  }
}
