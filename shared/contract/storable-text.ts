import { z } from 'zod';

/**
 * Storable text: what every text field of the wire contract may hold, and what the gateway makes the
 * text of a device into before it goes any further. A character is storable when it is a Char of
 * XML 1.0 (Fifth Edition) section 2.2: tab, line feed, carriage return, and every Unicode scalar
 * value from U+0020 on except the noncharacters U+FFFE and U+FFFF. Left out, and why:
 * - U+0000: PostgreSQL cannot store it, in text (SQLSTATE 22021) nor in jsonb as "\u0000" (22P05),
 *   and a store refusing it for good is what let one device's message stall ingest;
 * - the other C0 controls (U+0001-U+0008, U+000B, U+000C, U+000E-U+001F): the stores hold them,
 *   but no device reading, door event or alert text needs them, and they act on whoever reads them:
 *   ESC starts a terminal sequence that rewrites what an operator sees of a log line, BS hides what
 *   came before it; exports to XML (and the spreadsheets built on it) refuse them. Tab and line
 *   breaks stay: a reason may have lines;
 * - unpaired surrogates (a JSON escape "\ud800" alone): not Unicode scalar values, so UTF-8 has no
 *   bytes for them; jsonb refuses the escape (22P05) and Node's UTF-8 encoder silently writes U+FFFD
 *   instead, so what is stored would differ from what was checked.
 * The gateway replaces each such character of device text with U+FFFD REPLACEMENT CHARACTER (the
 * Unicode Standard's sign for a character that could not be represented) and counts it; the wire
 * schemas refuse a message that still carries one, naming the field.
 */
const UNSTORABLE_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);

export const REPLACEMENT_CHARACTER = '\uFFFD';

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The text with every unstorable character replaced by U+FFFD, and how many were replaced. */
export function toStorableText(text: string): { text: string; replaced: number } {
  let replaced = 0;
  const storable = text.replace(new RegExp(UNSTORABLE_SOURCE, 'g'), () => {
    replaced += 1;
    return REPLACEMENT_CHARACTER;
  });
  return { text: storable, replaced };
}

/** "U+0000 at index 3": the first unstorable character of a text, for an error message. */
export function describeUnstorable(text: string): string {
  const match = UNSTORABLE.exec(text);
  if (!match) return 'nothing unstorable';
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `U+${code} at index ${match.index}`;
}

/** A wire string of storable text; chain .min()/.max()/.regex() after it. */
export function storableText() {
  return z.string().refine(isStorableText, {
    error: (issue) => `contains ${describeUnstorable(String(issue.input))}, which is not storable text (XML 1.0 Char, section 2.2)`,
  });
}
