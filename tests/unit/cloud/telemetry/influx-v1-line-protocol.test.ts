import { describe, expect, it } from 'vitest';
import { v1LineProtocol } from '../../../../cloud/telemetry/influx-v1-line-protocol.js';

describe('v1LineProtocol', () => {
  it('escapes as the line protocol reference says: measurement, tag keys and values, field keys, string fields', () => {
    const body = v1LineProtocol([
      {
        measurement: 'my readings,v1',
        tags: { 'gate way': 'gw=1,a b', estate_id: 'estate-1' },
        fields: { 'id,x': 'say "hi" C:\\dir\\', value: 1234.5, count: 3, text: 'a=b, c d\nnext' },
        timestamp: 1_764_000_000_123,
      },
    ]);
    expect(body).toBe(
      'my\\ readings\\,v1,gate\\ way=gw\\=1\\,a\\ b,estate_id=estate-1 id\\,x="say \\"hi\\" C:\\\\dir\\\\",value=1234.5,count=3,text="a=b, c d\nnext" 1764000000123',
    );
  });

  it('writes one line per point, numbers as floats without the integer suffix', () => {
    const point = { measurement: 'readings', tags: { gateway_id: 'gw-1' }, fields: { value: 0 }, timestamp: 5 };
    expect(v1LineProtocol([point, { ...point, fields: { value: -2.5e-7 }, timestamp: 6 }])).toBe('readings,gateway_id=gw-1 value=0 5\nreadings,gateway_id=gw-1 value=-2.5e-7 6');
  });
});
