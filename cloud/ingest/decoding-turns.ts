/**
 * Payload bytes decoded per turn of the event loop on one ingest lane: MAX_MESSAGE_BYTES, some 35
 * telemetry messages of 50 readings (about 7.5 KiB each), a few milliseconds of JSON.parse and
 * schema; one socket read of the broker's (up to some 2 MiB, 270 such messages) is decoded over
 * eight turns or so instead of one.
 */
export const DECODED_BYTES_PER_TURN = 256 * 1024;

/**
 * What a message is charged at least, whatever its size: handling a message costs more than its
 * bytes say when it is small. Measured on this code, decoding a 7.4 KiB telemetry message of 50
 * readings (JSON.parse and the compiled schema) took about 50 µs, a 1 KiB alert 12 µs, and a 1 KiB
 * alert the schema refuses (a U+0000 in its reason) 45 µs, before the rest of its handling (its
 * rejection counted, its receipt). Charged by their bytes alone, some 250 such refusals of one
 * gateway went in one turn, 50 ms and more, and another gateway's P1 alert, whose ticket needs a
 * few replies of PostgreSQL, each read only between turns, waited 0.24 s behind 1,000 of them
 * against 0.08 s behind 1,000 good ones (npm run bench poisoned-ingest). Charged at least 8 KiB,
 * about a telemetry message, a turn holds some 32 messages of any kind.
 */
export const LEAST_BYTES_PER_MESSAGE = 8 * 1024;

/**
 * What decoding waits for besides its turn: room in the writes ahead. A message waits undecoded,
 * its payload a Buffer outside the JavaScript heap; decoded, it is some 50 objects the garbage
 * collector goes over at every collection until its write is through. Decoded no sooner than the
 * writes can take it, a backlog of a burst (2,000 messages, 100,000 readings) is not 100,000
 * readings kept alive for seconds, copied from the young generation and then marked in the old.
 */
export interface DecodingRoom {
  hasRoom(): boolean;
  /** Calls the listener once, when there may be room again. */
  whenRoom(listener: () => void): void;
}

const ALWAYS_ROOM: DecodingRoom = { hasRoom: () => true, whenRoom: () => undefined };

interface Waiting {
  bytes: number;
  admit: () => void;
}

/**
 * Spreads the decoding of messages over turns of the event loop. MQTT.js parses every packet of one
 * socket read one after another and hands each to ingest at once; decoded there and then, the
 * messages of a 2 MiB read held the one thread for 200-500 ms (JSON.parse, the schema and the
 * garbage they leave), while the store's replies to the writes under way waited unread, the store
 * idle. Here a message is decoded at once while this turn has decoded less than bytesPerTurn (each
 * message charged its bytes, at least leastBytesPerMessage), and otherwise waits for a later turn (setImmediate: after the I/O of the turn, so the store's replies
 * are read in between), in the order the messages came. The first message of a turn always goes,
 * however large. Besides, messages are decoded only while `room` has room (DecodingRoom).
 */
export class DecodingTurns {
  private spent = 0;
  private readonly waiting: Waiting[] = [];
  private next = 0;
  private turnScheduled = false;
  private roomAwaited = false;

  constructor(
    private readonly bytesPerTurn: number = DECODED_BYTES_PER_TURN,
    private readonly laterTurn: (run: () => void) => void = (run) => void setImmediate(run),
    private readonly room: DecodingRoom = ALWAYS_ROOM,
    private readonly leastBytesPerMessage: number = LEAST_BYTES_PER_MESSAGE,
  ) {}

  /** Messages waiting for a later turn: for tests. */
  get waitingMessages(): number {
    return this.waiting.length - this.next;
  }

  /** Resolves when a payload of this many bytes may be decoded. */
  admit(payloadBytes: number): Promise<void> {
    const bytes = Math.max(payloadBytes, this.leastBytesPerMessage);
    if (this.waitingMessages === 0 && this.spent < this.bytesPerTurn && this.room.hasRoom()) {
      this.spent += bytes;
      this.endTurnLater();
      return Promise.resolve();
    }
    return new Promise<void>((admit) => {
      this.waiting.push({ bytes, admit });
      this.endTurnLater();
    });
  }

  /** At the next turn: this turn's bytes are spent, and the waiting messages that fit go. */
  private endTurnLater(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    this.laterTurn(() => {
      this.turnScheduled = false;
      this.spent = 0;
      while (this.next < this.waiting.length && this.spent < this.bytesPerTurn && this.room.hasRoom()) {
        const message = this.waiting[this.next++]!;
        this.spent += message.bytes;
        message.admit();
      }
      // Those admitted leave the queue (at once when it is empty, else now and then).
      if (this.next === this.waiting.length || this.next >= 1_024) {
        this.waiting.splice(0, this.next);
        this.next = 0;
      }
      if (this.spent > 0) this.endTurnLater();
      else if (this.waitingMessages > 0) this.awaitRoom();
    });
  }

  /** Once there is room again, the next turn goes on with the waiting messages. */
  private awaitRoom(): void {
    if (this.roomAwaited) return;
    this.roomAwaited = true;
    this.room.whenRoom(() => {
      this.roomAwaited = false;
      this.endTurnLater();
    });
  }
}
