/**
 * The QoS 1 messages taken from the broker and not yet acknowledged, in the order they arrived, at
 * most `capacity` of them. Each is acknowledged once its handler is done with it, and PUBACKs go in
 * the order the PUBLISHes arrived, as MQTT 3.1.1 and 5.0 §4.6 require of a client [MQTT-4.6.0-2]:
 * a message done early waits for those before it. A message left unacknowledged (its handler
 * failed, or the connection is stopping) is skipped: the broker sends it again on the next
 * connection of the session.
 *
 * Messages belong to one network connection: after it closes their packet ids mean nothing (a
 * clean session's broker hands the same ids to new messages), so close() forgets them all and a
 * handler that finishes later acknowledges nothing.
 */
export class PubackWindow {
  private slots: Slot[] = [];
  private waitingForRoom: Array<() => void> = [];
  private connection = 0;

  constructor(
    /** Messages at most between arrival and PUBACK (the Receive Maximum the cloud states, MQTT 5.0 §3.1.2.11.3). */
    readonly capacity: number,
    private readonly sendPuback: (messageId: number) => void,
  ) {}

  /** Messages taken and not yet acknowledged nor skipped. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Takes in one message; returns how to settle it: settle(true) acknowledges it (in its turn),
   * settle(false) leaves it unacknowledged. Settling twice, or after close(), does nothing.
   */
  open(messageId: number): (acknowledge: boolean) => void {
    const slot: Slot = { messageId, state: 'open', connection: this.connection };
    this.slots.push(slot);
    return (acknowledge) => {
      if (slot.state !== 'open' || slot.connection !== this.connection) return;
      slot.state = acknowledge ? 'acknowledge' : 'skip';
      this.sendDone();
    };
  }

  /** Calls `next` now while the window has room, else once a message leaves it (or close()). */
  whenRoom(next: () => void): void {
    if (this.slots.length < this.capacity) next();
    else this.waitingForRoom.push(next);
  }

  /** The network connection is gone: every message taken on it is forgotten, unacknowledged. */
  close(): void {
    this.connection += 1;
    this.slots = [];
    this.admitWaiting();
  }

  private sendDone(): void {
    while (this.slots.length > 0 && this.slots[0]!.state !== 'open') {
      const slot = this.slots.shift()!;
      if (slot.state === 'acknowledge') this.sendPuback(slot.messageId);
    }
    this.admitWaiting();
  }

  private admitWaiting(): void {
    while (this.waitingForRoom.length > 0 && this.slots.length < this.capacity) this.waitingForRoom.shift()!();
  }
}

interface Slot {
  messageId: number;
  state: 'open' | 'acknowledge' | 'skip';
  connection: number;
}
