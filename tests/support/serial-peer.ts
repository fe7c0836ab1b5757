import { SerialPort } from 'serialport';

/**
 * A scripted device on one end of a pty pair (tests/support/pty-pair.ts): it records every frame the
 * master sends and answers what the test's handler returns, byte for byte. For wire-level tests of a
 * serial protocol: capture a request's exact bytes, answer a garbled frame, answer nothing.
 */
export interface SerialPeer {
  /** Every frame received so far, oldest first. */
  readonly frames: readonly Buffer[];
  /** What to answer to each frame from now on; undefined answers nothing. */
  answer(handler: (frame: Buffer) => Buffer | undefined): void;
  /** Resolves with the next frame received (or the oldest one not yet awaited). */
  nextFrame(timeoutMs?: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Opens `path` and splits what arrives into frames at `frameGapMs` of silence: the stand-in for a
 * serial line's inter-frame gap (Modbus t3.5 is 1.75-16 ms, Modbus over Serial Line V1.02 §2.5.1.1; a pty delivers a
 * master's write at once, so a few ms is plenty).
 */
export async function openSerialPeer(path: string, options: { baudRate?: number; frameGapMs?: number } = {}): Promise<SerialPeer> {
  const frameGapMs = options.frameGapMs ?? 5;
  const port = new SerialPort({ path, baudRate: options.baudRate ?? 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const frames: Buffer[] = [];
  const waiting: Array<(frame: Buffer) => void> = [];
  let awaited = 0;
  let handler: (frame: Buffer) => Buffer | undefined = () => undefined;
  let pending: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;

  const endOfFrame = () => {
    const frame = Buffer.concat(pending);
    pending = [];
    frames.push(frame);
    const reply = handler(frame);
    if (reply) port.write(reply);
    const waiter = waiting.shift();
    if (waiter) {
      awaited++;
      waiter(frame);
    }
  };
  port.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    clearTimeout(timer);
    timer = setTimeout(endOfFrame, frameGapMs);
  });
  // A pty whose socat died reports EIO; the test that killed it expects that.
  port.on('error', () => undefined);

  return {
    frames,
    answer(next) {
      handler = next;
    },
    nextFrame(timeoutMs = 2_000) {
      if (awaited < frames.length) return Promise.resolve(frames[awaited++]!);
      return new Promise<Buffer>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`no frame on ${path} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((frame) => {
          clearTimeout(timeout);
          resolve(frame);
        });
      });
    },
    async close() {
      clearTimeout(timer);
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
