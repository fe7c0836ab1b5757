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
    expect(body.toString('utf8')).toBe(
      'my\\ readings\\,v1,gate\\ way=gw\\=1\\,a\\ b,estate_id=estate-1 id\\,x="say \\"hi\\" C:\\\\dir\\\\",value=1234.5,count=3,text="a=b, c d\nnext" 1764000000123',
    );
  });

  it('writes one line per point, numbers as floats without the integer suffix', () => {
    const point = { measurement: 'readings', tags: { gateway_id: 'gw-1' }, fields: { value: 0 }, timestamp: 5 };
    expect(v1LineProtocol([point, { ...point, fields: { value: -2.5e-7 }, timestamp: 6 }]).toString('utf8')).toBe('readings,gateway_id=gw-1 value=0 5\nreadings,gateway_id=gw-1 value=-2.5e-7 6');
  });

  it('encodes as UTF-8 lines longer than the room first given to them, and names escaped once stay escaped', () => {
    const attributes = JSON.stringify({ note: '门禁 "北" 入口 🚪'.repeat(40) });
    const point = { measurement: 'events', tags: { 'device id': 'door,1' }, fields: { attributes }, timestamp: 7 };
    const body = v1LineProtocol([point, point, { measurement: 'events', tags: {}, fields: { value: 1 }, timestamp: 8 }]);
    const line = `events,device\\ id=door\\,1 attributes="${attributes.replace(/["\\]/g, '\\$&')}" 7`;
    expect(body.toString('utf8')).toBe(`${line}\n${line}\nevents value=1 8`);
    expect(body.byteLength).toBe(Buffer.byteLength(`${line}\n${line}\nevents value=1 8`));
  });

  it('writes nothing for no points', () => {
    expect(v1LineProtocol([]).byteLength).toBe(0);
  });
});
