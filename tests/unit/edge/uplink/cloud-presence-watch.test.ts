import { describe, expect, it } from 'vitest';
import { CloudPresenceWatch } from '../../../../edge/uplink/cloud-presence-watch.js';

describe("watching the cloud's presence", () => {
  it('takes the retained presence met at start as the cloud it already sends to', () => {
    const watch = new CloudPresenceWatch();
    expect(watch.seen('session-a', true)).toBe(false);
    expect(watch.seen('session-a', true)).toBe(false); // met again after a reconnect
  });

  it('resends when the cloud subscribed anew: a new session, live or met after a reconnect', () => {
    const watch = new CloudPresenceWatch();
    expect(watch.seen('session-a', false)).toBe(true); // announced while connected: it subscribed after some sends
    expect(watch.seen('session-a', false)).toBe(false);
    expect(watch.seen('session-b', true)).toBe(true); // replaced while this gateway was away
    expect(watch.seen('session-c', false)).toBe(true);
  });
});
