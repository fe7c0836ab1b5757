import type { SeriesPoint } from './influx-series-layout.js';

const MEASUREMENT_SPECIALS = /[, ]/g;
const KEY_OR_TAG_SPECIALS = /[,= ]/g;
const STRING_FIELD_SPECIALS = /["\\]/g;

/** Bytes a point's line is given room for at first: a reading's line is some 190 bytes. */
const BYTES_PER_LINE_GUESS = 256;
/** The most UTF-8 bytes one UTF-16 code unit of a JavaScript string becomes (a lone surrogate, or one of the BMP above U+07FF). */
const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;

/**
 * The body of a v1 /write (precision ms) of the points, as UTF-8 bytes: one line each, escaped as
 * the line protocol reference says and as node-influx's writePoints escapes (grammar/escape.js):
 * commas and spaces in the measurement; commas, equals signs and spaces in tag keys, tag values and
 * field keys; double quotes and backslashes in string field values, which go in double quotes.
 * Numbers are written as floats (no "i" suffix), so a field keeps one type whatever the value; the
 * timestamp in ms.
 *
 * The same lines as writePoints wrote but for the order of the fields (it sorts them; InfluxDB
 * does not mind), built here because writePoints parses, sorts and escapes each point through its
 * generic schema code: for a grouped write of 5,000 readings, points included, 79-92 ms of the
 * cloud's one thread on a loaded two-core machine, lines built here as one string 44-53 ms (and
 * now into a buffer, LineProtocolBody).
 */
export function v1LineProtocol(points: readonly SeriesPoint[]): Buffer {
  const body = new LineProtocolBody(points.length);
  for (const point of points) body.add(line(point));
  return body.bytes();
}

/** Lines encoded into the body at once: one Buffer.write per line cost more than the line's own bytes. */
const LINES_PER_ENCODING = 64;

/**
 * A /write body being written: its lines go into one UTF-8 buffer, LINES_PER_ENCODING joined at a
 * time, so the body is never one 1 MB string. Joining 5,000 lines into one copied each of them
 * again, and the request then encoded that string to UTF-8 twice (node-influx's pool measures a
 * body with Buffer.from(body).length before req.write(body) encodes it). Side by side on 5,000
 * readings, the joined string and its encodings took 9-14 ms, one Buffer.write per line 4-7 ms;
 * through v1ReadingLines on 100,000 decoded readings, one Buffer.write per line 90-140 ms of CPU,
 * one per 64 lines (and event times parsed once per run) 65-80 ms.
 */
export class LineProtocolBody {
  private buffer: Buffer;
  private length = 0;
  private waiting: string[] = [];

  constructor(lines: number) {
    this.buffer = Buffer.allocUnsafe(lines * BYTES_PER_LINE_GUESS);
  }

  /** Appends one line (without its newline). */
  add(line: string): void {
    this.waiting.push(line);
    if (this.waiting.length === LINES_PER_ENCODING) this.encodeWaiting();
  }

  /** The lines so far, newline-separated. */
  bytes(): Buffer {
    if (this.waiting.length > 0) this.encodeWaiting();
    return this.buffer.subarray(0, this.length);
  }

  private encodeWaiting(): void {
    const text = (this.length === 0 ? '' : '\n') + this.waiting.join('\n');
    this.waiting = [];
    const room = this.length + text.length * MAX_UTF8_BYTES_PER_CODE_UNIT;
    if (room > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(room, 2 * this.buffer.length));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
  }
}

/** A tag key, tag value or field key as line protocol writes it. */
export function escapeTagOrKey(text: string): string {
  return escape(text, KEY_OR_TAG_SPECIALS);
}

/** A string field value as line protocol writes it (inside its double quotes). */
export function escapeStringField(text: string): string {
  return escape(text, STRING_FIELD_SPECIALS);
}

function line(point: SeriesPoint): string {
  let text = escapedOnce(escapedMeasurements, point.measurement, MEASUREMENT_SPECIALS);
  const tags = point.tags;
  for (const key in tags) text += ',' + escapedOnce(escapedKeys, key, KEY_OR_TAG_SPECIALS) + '=' + escapeTagOrKey(tags[key]!);
  let separator = ' ';
  const fields = point.fields;
  for (const key in fields) {
    const value = fields[key]!;
    text += separator + escapedOnce(escapedKeys, key, KEY_OR_TAG_SPECIALS) + '=' + (typeof value === 'number' ? String(value) : '"' + escapeStringField(value) + '"');
    separator = ',';
  }
  return text + ' ' + point.timestamp;
}

/** Measurements, and tag and field keys, escaped so far: the layout's few names (influx-series-layout.ts). */
const escapedMeasurements = new Map<string, string>();
const escapedKeys = new Map<string, string>();
/** More names than any layout has: past this, a name is escaped each time it comes. */
const MAX_ESCAPED_NAMES = 64;

function escapedOnce(known: Map<string, string>, name: string, specials: RegExp): string {
  let escaped = known.get(name);
  if (escaped === undefined) {
    escaped = escape(name, specials);
    if (known.size < MAX_ESCAPED_NAMES) known.set(name, escaped);
  }
  return escaped;
}

function escape(text: string, specials: RegExp): string {
  specials.lastIndex = 0;
  return specials.test(text) ? text.replace(specials, '\\$&') : text;
}
