import { describe, expect, it } from 'vitest';
import {
  GatewayConfigBodySchema,
  ReceiptSchema,
  WireError,
  decodeMessage,
  isStorableText,
  toStorableText,
  topicFor,
  type WireRejection,
} from '../../../../shared/contract/index.js';
import { alertItem, eventItem } from '../../../support/wire-fixtures.js';

const GATEWAY = 'gw-text';

function decodeError(channel: 'alerts' | 'events' | 'status', body: Record<string, unknown>): { reason: WireRejection; message: string } {
  const message = { schema_version: 1, gateway_id: GATEWAY, seq: 1, sent_at: '2026-11-24T08:00:00.000Z', ...body };
  try {
    decodeMessage(topicFor(GATEWAY, channel), Buffer.from(JSON.stringify(message)));
  } catch (error) {
    if (error instanceof WireError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('the message was accepted');
}

describe('storable text: one rule for every text field of the wire', () => {
  it('keeps tab, line breaks and every character of any script, emoji (a surrogate pair) included', () => {
    for (const text of ['门禁 3 号读卡器', 'line one\nline two\r\n\tindented', 'Ünïcödé', '🚪 door', '\u007f\u0085\u200b']) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(true);
      expect(toStorableText(text)).toEqual({ text, replaced: 0 });
    }
  });

  it('replaces NUL, the other C0 controls, unpaired surrogates and U+FFFE/U+FFFF by U+FFFD, counting them', () => {
    const bad = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f', '\ud800', '\udc00', '\ufffe', '\uffff'];
    for (const character of bad) expect(isStorableText(`a${character}b`), character.charCodeAt(0).toString(16)).toBe(false);
    expect(toStorableText('12\u00003\u001b[2J')).toEqual({ text: '12\ufffd3\ufffd[2J', replaced: 2 });
    // A high surrogate followed by its low one is one character; alone, or reversed, each half is replaced.
    expect(toStorableText('\ud83d\udeaa\udeaa\ud83d')).toEqual({ text: '\ud83d\udeaa\ufffd\ufffd', replaced: 2 });
  });

  it('refuses a message with an unstorable character in any text field, naming the field and the character', () => {
    const cases: Array<[string, 'alerts' | 'events' | 'status', Record<string, unknown>]> = [
      ['items.0.reason.en', 'alerts', { items: [{ ...alertItem(), reason: { zh: '电梯困人', en: 'reader 3\u0000' } }] }],
      ['items.0.evidence.note', 'alerts', { items: [{ ...alertItem(), evidence: { note: 'a\ud800' } }] }],
      ['items.0.evidence', 'alerts', { items: [{ ...alertItem(), evidence: { 'key\u0000': 1 } }] }],
      ['items.0.attributes.credential_ref', 'events', { items: [{ ...eventItem(), attributes: { credential_ref: '12\u00003' } }] }],
      ['items.0.id', 'events', { items: [{ ...eventItem(), id: 'abcdefgh\u0000' }] }],
    ];
    for (const [path, channel, body] of cases) {
      const error = decodeError(channel, body);
      expect(error.reason, path).toBe('schema_violation');
      expect(error.message, path).toContain(`${path}`);
      expect(error.message, path).toMatch(/contains U\+(0000|D800) at index \d+, which is not storable text/);
    }
    const status = { online: true, software_version: '1.0\u0000', config_version: null, uptime_s: 1, outbox: { depth: 0, oldest_unsent_age_s: null }, buses: [], devices_offline: [], watermark: null };
    expect(decodeError('status', { status }).message).toContain('status.software_version: contains U+0000 at index 3');
  });

  it('keeps item ids on one line: InfluxDB ends a point at a line break', () => {
    expect(decodeError('events', { items: [{ ...eventItem(), id: 'abcdefgh\nxyz' }] }).message).toContain('items.0.id: an item id has no tabs or line breaks');
  });

  it('holds for what the cloud sends too: receipts and the care profiles of a gateway config', () => {
    expect(ReceiptSchema.safeParse({ seq: 1, outcome: 'rejected', reason: 'x\u0000' }).success).toBe(false);
    expect(ReceiptSchema.safeParse({ seq: 1, outcome: 'stored', refused: { event_time_ahead: 2 } }).success).toBe(true);
    const body = (purpose: string) => ({
      config_version: 'v1',
      issued_at: '2026-11-24T08:00:00Z',
      rules: { care: { households: [{ unit_id: 'hh-1', consent: { recorded_at: '2026-11-01T00:00:00+08:00', purpose } }] } },
    });
    expect(GatewayConfigBodySchema.safeParse(body('独居老人关怀')).success).toBe(true);
    const refused = GatewayConfigBodySchema.safeParse(body('care\u0000'));
    expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['rules.care.households.0.consent.purpose']);
  });
});
