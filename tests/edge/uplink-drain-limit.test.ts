import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../edge/outbox/memory-outbox.js';
import { EnvelopeFactory } from '../../edge/uplink/envelope-factory.js';
import { MAX_ITEMS_PER_BATCH, UplinkClient } from '../../edge/uplink/uplink-client.js';
import { silentLogger } from '../../shared/log/logger.js';
import { ManualClock } from '../../shared/time/clock.js';
import { alert, event, reading, T0 } from '../outbox/outbox-fixtures.js';
import { eventually } from '../support/net.js';

/** Time each telemetry publish takes to be acknowledged, on the test's clock. */
const PUBACK_MS = 100;

describe('uplink: telemetry drain limited to a share of the uplink', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An aedes cloud broker whose telemetry PUBACK "takes" PUBACK_MS of the manual clock. */
  async function setup(drainShare: number) {
    const clock = new ManualClock(T0);
    const seen: string[] = [];
    const broker = new Aedes({
      authorizePublish: (_client, packet, callback) => {
        if (packet.topic.endsWith('/telemetry')) clock.advance(PUBACK_MS);
        callback(null);
      },
    });
    await broker.listen();
    broker.on('publish', (packet, client) => {
      if (client && packet.topic.startsWith('estatecare/') && !packet.topic.endsWith('/status')) seen.push(packet.topic.split('/').pop()!);
    });
    const server: Server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const pauses: number[] = [];
    let hold = true;
    const held: Array<() => void> = [];
    const outbox = new MemoryOutbox(clock);
    const uplink = new UplinkClient({
      url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
      username: 'test-drain-gw',
      keepaliveS: 30,
      reconnectPeriodMs: 100,
      drainShare,
      // The drain limit is paced by PUBACKs; no cloud answers with receipts here.
      receipts: null,
      clock,
      delay: (ms) => {
        pauses.push(ms);
        if (!hold) {
          clock.advance(ms);
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => held.push(resolve));
      },
      outbox,
      envelopes: new EnvelopeFactory('test-drain-gw', clock),
      logger: silentLogger(),
    });
    cleanups.push(() => uplink.stop());
    /** Lets the telemetry wait end: the clock moves on by the wait, held delays resolve, later ones pass. */
    const release = (): void => {
      hold = false;
      clock.advance(pauses[pauses.length - 1]!);
      held.splice(0).forEach((resolve) => resolve());
    };
    return { clock, seen, pauses, outbox, uplink, release };
  }

  it('waits T*(1/share - 1) between telemetry batches; an alert appended meanwhile goes out at once', async () => {
    const { seen, pauses, outbox, uplink, release } = await setup(0.25);
    await outbox.append('telemetry', Array.from({ length: 3 * MAX_ITEMS_PER_BATCH }, (_, i) => reading(i + 1)));
    await uplink.start();

    await eventually('the wait after the first telemetry batch', () => pauses.length === 1);
    expect(pauses[0]).toBe(PUBACK_MS * (1 / 0.25 - 1)); // 300 ms
    expect(seen).toEqual(['telemetry']);

    // New urgent items during the wait: sent without waiting for the telemetry's turn.
    await outbox.append('alerts', [alert(1001)]);
    uplink.kick();
    await eventually('the alert', () => seen.includes('alerts'));
    await outbox.append('events', [event(1002)]);
    uplink.kick();
    await eventually('the event', () => seen.includes('events'));
    expect(seen).toEqual(['telemetry', 'alerts', 'events']);

    release();
    await eventually('the rest of the telemetry', () => seen.length === 5);
    expect(seen).toEqual(['telemetry', 'alerts', 'events', 'telemetry', 'telemetry']);
    expect(new Set(pauses)).toEqual(new Set([300]));
    expect((await outbox.stats()).depth).toBe(0);
  });

  it('a share of 1 never waits', async () => {
    const { seen, pauses, outbox, uplink } = await setup(1);
    await outbox.append('telemetry', Array.from({ length: 2 * MAX_ITEMS_PER_BATCH }, (_, i) => reading(i + 1)));
    await uplink.start();
    await eventually('both telemetry batches', () => seen.length === 2);
    expect(pauses).toEqual([]);
  });
});
