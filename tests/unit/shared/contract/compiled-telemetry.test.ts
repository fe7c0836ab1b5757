import { describe, expect, it } from 'vitest';
import {
  CHANNEL_SPECS,
  MAX_ITEMS_PER_MESSAGE,
  TelemetryMessageSchema,
  UNITS,
  WireError,
  decodeMessage,
  describeZodIssues,
  topicFor,
} from '../../../../shared/contract/index.js';
import { CompiledTelemetryMessageSchema } from '../../../../shared/contract/compiled-telemetry.js';
import { seededRandom } from '../../../../edge/simulator/random.js';

const GATEWAY = 'gw-compiled';

function validReading(index: number): Record<string, unknown> {
  return {
    id: `reading-${index}-abcdefgh`,
    device_id: `meter-${index}`,
    point: 'energy_total',
    value: 1000 + index / 100,
    unit: 'kWh',
    event_time: '2026-11-24T08:50:57.123Z',
  };
}

function validMessage(readings = 3): Record<string, unknown> {
  return {
    schema_version: 1,
    gateway_id: GATEWAY,
    seq: 7,
    sent_at: '2026-11-24T08:51:00.000Z',
    items: Array.from({ length: readings }, (_, index) => validReading(index)),
  };
}

/** Values a field may be given: right and wrong types, edge lengths, bad text, edge numbers and dates. */
const ODD_VALUES: readonly unknown[] = [
  undefined, null, true, 0, -0, 1, -1, 1.5, 2 ** 53, -(2 ** 53), 1e400, -1e400, Number.NaN, '', 'x', '1',
  'abcdefg', 'abcdefgh', 'a'.repeat(128), 'a'.repeat(129), 'abcdefgh\t', 'abcdefgh\n', 'abcdefgh\r', 'abcd\u0000efgh',
  'abcd\ud800efgh', 'abcd\udc00efgh', 'abcd\ud83d\udeaaefgh', 'abcd\ufffeefgh', 'abcd\u001befgh', '门禁读卡器门禁读卡器',
  'Energy_total', 'energy-total', '_energy', 'e', 'e'.repeat(64), 'e'.repeat(65), 'energy total', 'gw-1', '-gw', 'GW',
  'g'.repeat(63), 'g'.repeat(64), 'gw/1', 'gw+1', 'kwh', 'KWH', ...UNITS.slice(0, 3), 'm3/h',
  '2026-11-24T08:50:57.123Z', '2026-11-24T08:50:57Z', '2026-11-24T08:50:57.12Z', '2026-11-24T08:50:57.1234Z',
  '2026-11-24T08:50:57.123+00:00', '2026-11-24T08:50:57.123', '2026-11-24 08:50:57.123Z', '2026-02-29T00:00:00.000Z',
  '2024-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '2100-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z',
  '2026-13-01T00:00:00.000Z', '2026-11-24T24:00:00.000Z', '2026-11-24T23:60:00.000Z', '2026-11-24T23:59:60.000Z',
  '2026-11-24t08:50:57.123z', ' 2026-11-24T08:50:57.123Z', [], [1], {}, { a: 1 },
];

const ENVELOPE_KEYS = ['schema_version', 'gateway_id', 'seq', 'sent_at', 'items'] as const;
const READING_KEYS = ['id', 'device_id', 'point', 'value', 'unit', 'event_time'] as const;

/** A valid message with one to three things made wrong (or odd: an extra key, a boundary value). */
function mutatedMessage(random: () => number): unknown {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  if (random() < 0.03) return pick(ODD_VALUES);
  const message = validMessage(1 + Math.floor(random() * 4));
  const items = message.items as Array<Record<string, unknown>>;
  // An own key named as given, "__proto__" included (as JSON.parse makes it), not a prototype set.
  const addKey = (target: Record<string, unknown>, key: string, value: unknown): void =>
    void Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  const mutations = 1 + Math.floor(random() * 3);
  for (let i = 0; i < mutations; i++) {
    const objectItems = items.filter((item) => typeof item === 'object' && item !== null && !Array.isArray(item));
    const where = random();
    if (where < 0.3) {
      const key = pick(ENVELOPE_KEYS);
      if (random() < 0.15) delete message[key];
      else message[key] = pick(ODD_VALUES);
    } else if (where < 0.32) {
      const size = pick([0, 1, MAX_ITEMS_PER_MESSAGE, MAX_ITEMS_PER_MESSAGE + 1]);
      message.items = Array.from({ length: size }, (_, index) => validReading(index));
    } else if (where < 0.45) {
      addKey(message, pick(['extra', '__proto__', 'items2', 'gateway']), pick(ODD_VALUES));
    } else if (where < 0.9) {
      if (objectItems.length === 0) continue;
      const item = pick(objectItems);
      const key = pick(READING_KEYS);
      if (random() < 0.15) delete item[key];
      else item[key] = pick(ODD_VALUES);
    } else if (where < 0.95) {
      if (objectItems.length > 0) addKey(pick(objectItems), pick(['extra', '__proto__', 'quality']), pick(ODD_VALUES));
    } else {
      items[Math.floor(random() * items.length)] = pick(ODD_VALUES) as Record<string, unknown>;
    }
  }
  // Through JSON, as the wire carries it: undefined keys vanish, 1e400 stays a number (Infinity) only if parsed.
  return random() < 0.5 ? JSON.parse(JSON.stringify(message)) : message;
}

function bothVerdicts(input: unknown): void {
  const written = TelemetryMessageSchema.safeParse(input);
  const compiled = CompiledTelemetryMessageSchema.safeParse(input);
  expect(compiled.success).toBe(written.success);
  if (written.success && compiled.success) {
    expect(compiled.data).toStrictEqual(written.data);
    expect(JSON.stringify(compiled.data)).toBe(JSON.stringify(written.data));
  } else if (!written.success && !compiled.success) {
    expect(compiled.error.issues).toStrictEqual(written.error.issues);
    expect(describeZodIssues(compiled.error)).toBe(describeZodIssues(written.error));
  }
}

describe('compiled telemetry schema: the same verdicts, output and errors as the schema as written', () => {
  it('is the schema the telemetry channel decodes with', () => {
    expect(CHANNEL_SPECS.telemetry.schema).toBe(CompiledTelemetryMessageSchema);
  });

  it('accepts a valid message with the same output, and strips unknown keys as the schema does', () => {
    bothVerdicts(validMessage(50));
    const withExtras = { ...validMessage(2), extra: 1, items: [{ ...validReading(0), quality: 'good' }] };
    const compiled = CompiledTelemetryMessageSchema.parse(withExtras);
    expect(compiled).toStrictEqual(TelemetryMessageSchema.parse(withExtras));
    expect(compiled).not.toHaveProperty('extra');
    expect(compiled.items[0]).not.toHaveProperty('quality');
  });

  it('answers every one of 5,000 generated valid and malformed messages as the schema as written does', () => {
    let accepted = 0;
    for (let seed = 1; seed <= 5_000; seed++) {
      const input = mutatedMessage(seededRandom(seed));
      try {
        bothVerdicts(input);
      } catch (error) {
        throw new Error(`seed ${seed}: ${JSON.stringify(input)?.slice(0, 2_000)}`, { cause: error });
      }
      if (TelemetryMessageSchema.safeParse(input).success) accepted += 1;
    }
    // Both outcomes are exercised: boundary values and extra keys leave some messages valid.
    expect(accepted).toBeGreaterThan(250);
    expect(accepted).toBeLessThan(4_750);
  });

  it('names the field at fault through decodeMessage as the schema as written does', () => {
    const bad = validMessage(2);
    (bad.items as Array<Record<string, unknown>>)[1]!.event_time = '2026-11-24T08:50:57Z';
    (bad.items as Array<Record<string, unknown>>)[0]!.id = 'abcd\u0000efgh';
    bad.seq = -1;
    const written = TelemetryMessageSchema.safeParse(bad);
    expect(written.success).toBe(false);
    let thrown: unknown;
    try {
      decodeMessage(topicFor(GATEWAY, 'telemetry'), Buffer.from(JSON.stringify(bad)));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WireError);
    expect((thrown as WireError).reason).toBe('schema_violation');
    expect((thrown as WireError).message).toBe(describeZodIssues(written.error!));
    expect((thrown as WireError).message).toContain('items.1.event_time');
    expect((thrown as WireError).message).toContain('items.0.id: contains U+0000 at index 4');
  });
});
