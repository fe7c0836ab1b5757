import { describe, expect, it } from 'vitest';
import { MAX_REFUSED_POINTS_PER_BUS } from '../../../../shared/contract/index.js';
import { RefusedPoints } from '../../../../edge/bus/refused-points.js';

describe('refused points of a bus', () => {
  it('counts each point of a refused step, says which refusal is the device\'s first, and keeps the last code', () => {
    const refused = new RefusedPoints();
    expect(refused.record('m1', ['a', 'b'], 2)).toBe(true);
    expect(refused.record('m1', ['b'], 3)).toBe(false);
    expect(refused.record('m2', ['a'], undefined)).toBe(true);
    expect(refused.snapshot()).toEqual([
      { device_id: 'm1', point: 'b', refusals: 2, last_code: 3 },
      { device_id: 'm1', point: 'a', refusals: 1, last_code: 2 },
      { device_id: 'm2', point: 'a', refusals: 1 },
    ]);
  });

  it('reports the most refused points up to the status limit', () => {
    const refused = new RefusedPoints();
    for (let n = 0; n < MAX_REFUSED_POINTS_PER_BUS + 10; n++) refused.record(`m${n}`, ['p'], 2);
    refused.record('m7', ['p'], 2);
    const snapshot = refused.snapshot();
    expect(snapshot).toHaveLength(MAX_REFUSED_POINTS_PER_BUS);
    expect(snapshot[0]).toEqual({ device_id: 'm7', point: 'p', refusals: 2, last_code: 2 });
  });
});
