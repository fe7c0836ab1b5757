import type { TakenInputRow } from '../state/rule-state-store.js';

/**
 * How many input ids the engine remembers per device, and so how much of a device's sending it can
 * recognise again. A device sends again only what it has not had a PUBACK for (MQTT 3.1.1 section
 * 4.4), and those are its latest messages. What the rules took in and the gateway did not
 * acknowledge is one read of the device's connection at most: the embedded broker (aedes 1.x,
 * lib/client.js nextBatch) handles every packet of one read before it reads again, and one read is
 * what the socket buffered, up to its highWaterMark (16 KiB on Node 20) plus one libuv read of up
 * to 64 KiB. 1,024 ids cover such a read of messages of 80 bytes or more (a lift monitor's
 * shortest, an alarm press, is about 60 bytes of JSON plus the topic and header). A device that had
 * more than that in flight when the gateway was killed could have its oldest ones counted twice.
 * Per device, so a chatty device cannot push a quiet one's ids out; the state file holds at most
 * this many rows per device that pushes (under 100 bytes each).
 */
export const REMEMBERED_INPUTS_PER_DEVICE = 1024;

interface Ring {
  /** Ids by slot; a slot is overwritten after REMEMBERED_INPUTS_PER_DEVICE newer inputs. */
  readonly slots: string[];
  readonly ids: Set<string>;
  /** Sequence number the next input of the device gets. */
  next: number;
}

/**
 * The ids of the inputs the rules have taken in, per device: a ring of the latest
 * REMEMBERED_INPUTS_PER_DEVICE, written to the state store in the same commit as the rule state
 * those inputs changed. So an input delivered again (a redelivery after a restart, a PUBACK lost
 * on the way) is recognised whenever its first delivery's changes are in the state, and taken in
 * when they are not.
 */
export class InputMemory {
  private readonly rings = new Map<string, Ring>();
  /** Slots to write at the next commit, by device and slot. */
  private readonly dirty = new Map<string, TakenInputRow>();

  constructor(rows: readonly TakenInputRow[]) {
    for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
      if (row.slot >= REMEMBERED_INPUTS_PER_DEVICE) continue; // written with a larger ring: beyond today's bound
      const ring = this.ring(row.device);
      const previous = ring.slots[row.slot];
      if (previous !== undefined) ring.ids.delete(previous);
      ring.slots[row.slot] = row.id;
      ring.ids.add(row.id);
      ring.next = row.seq + 1;
    }
  }

  has(device: string, id: string): boolean {
    return this.rings.get(device)?.ids.has(id) ?? false;
  }

  remember(device: string, id: string): void {
    const ring = this.ring(device);
    const seq = ring.next++;
    const slot = seq % REMEMBERED_INPUTS_PER_DEVICE;
    const previous = ring.slots[slot];
    if (previous !== undefined) ring.ids.delete(previous);
    ring.slots[slot] = id;
    ring.ids.add(id);
    this.dirty.set(`${device}\u001f${slot}`, { device, slot, seq, id });
  }

  /** Rows to write at the next commit, or undefined when there are none. */
  changes(): TakenInputRow[] | undefined {
    return this.dirty.size > 0 ? [...this.dirty.values()] : undefined;
  }

  /** After a successful commit. */
  clean(): void {
    this.dirty.clear();
  }

  private ring(device: string): Ring {
    let ring = this.rings.get(device);
    if (!ring) this.rings.set(device, (ring = { slots: [], ids: new Set(), next: 0 }));
    return ring;
  }
}
