import { describe, expect, it } from 'vitest';
import { fitUtf8, truncateUtf8, utf8Bytes } from '../../../../../cloud/notifications/channels/utf8-limit.js';
import { WECOM_TEXT_MAX_BYTES, wecomBody } from '../../../../../cloud/notifications/channels/wecom-channel.js';

describe('UTF-8 limits', () => {
  it('cuts between code points: a CJK character is 3 bytes, an emoji 4 (a surrogate pair in JavaScript)', () => {
    // "管家" is 6 bytes; "…" is 3: 8 bytes hold "管" + "…" (6), never half of "家".
    expect(truncateUtf8('管家管家', 8)).toBe('管…');
    expect(truncateUtf8('ab😀cd', 8)).toBe('ab😀cd'); // exactly 8 bytes
    expect(truncateUtf8('ab😀cd', 7)).toBe('ab…'); // 2 + 4 > 7 - 3
    expect(truncateUtf8('ab😀cdef', 9)).toBe('ab😀…');
    expect(truncateUtf8('short', 2048)).toBe('short');
    for (let limit = 3; limit < 40; limit += 1) {
      const cut = truncateUtf8('上门关怀😀 1号楼 1-101 😀😀 未见活动', limit);
      expect(utf8Bytes(cut)).toBeLessThanOrEqual(limit);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
    }
  });

  it('keeps the tail (the link) whole and cuts the head', () => {
    const fitted = fitUtf8('原因：' + '很长'.repeat(2000), 'https://care.example.com/tickets/t-1', 100);
    expect(utf8Bytes(fitted)).toBeLessThanOrEqual(100);
    expect(fitted.endsWith('…\nhttps://care.example.com/tickets/t-1')).toBe(true);
  });

  it('keeps a WeCom text within 2048 bytes, link included, however long the reason', () => {
    const body = wecomBody({ id: 'd-1', title: '【上门关怀】新工单 · P2', lines: ['原因：' + '长'.repeat(3000)], link: 'https://care.example.com/tickets/t-1', mentions: [], data: {} });
    const content = (body.text as { content: string }).content;
    expect(utf8Bytes(content)).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES);
    expect(utf8Bytes(content)).toBeGreaterThan(WECOM_TEXT_MAX_BYTES - 3);
    expect(content.endsWith('\nhttps://care.example.com/tickets/t-1')).toBe(true);
  });
});
