import { describe, expect, it } from 'vitest';
import { PubackWindow } from '../../../../cloud/platform/puback-window.js';

describe('PubackWindow', () => {
  const windowOf = (capacity: number) => {
    const sent: number[] = [];
    return { sent, window: new PubackWindow(capacity, (messageId) => sent.push(messageId)) };
  };

  it('acknowledges in arrival order: a message done early waits for those before it', () => {
    const { sent, window } = windowOf(10);
    const [first, second, third] = [window.open(1), window.open(2), window.open(3)];
    third(true);
    second(true);
    expect(sent).toEqual([]);
    first(true);
    expect(sent).toEqual([1, 2, 3]);
    expect(window.size).toBe(0);
  });

  it('skips a message left unacknowledged and acknowledges the ones after it', () => {
    const { sent, window } = windowOf(10);
    const [first, second] = [window.open(1), window.open(2)];
    second(true);
    first(false);
    expect(sent).toEqual([2]);
  });

  it('holds the next message back while full, and lets it in once one leaves', () => {
    const { window } = windowOf(2);
    const admitted: string[] = [];
    const first = window.open(1);
    window.whenRoom(() => admitted.push('first'));
    window.open(2);
    window.whenRoom(() => admitted.push('second'));
    expect(admitted).toEqual(['first']);
    first(true);
    expect(admitted).toEqual(['first', 'second']);
  });

  it('forgets what was in flight on a closed connection: acknowledges none of it, and admits what waited', () => {
    const { sent, window } = windowOf(1);
    const old = window.open(1);
    let admitted = false;
    window.whenRoom(() => (admitted = true));
    window.close();
    expect(admitted).toBe(true);
    const fresh = window.open(1);
    old(true);
    expect(sent).toEqual([]);
    fresh(true);
    expect(sent).toEqual([1]);
  });
});
