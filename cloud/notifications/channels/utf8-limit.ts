const ELLIPSIS = '…';

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The longest prefix of text that fits in maxBytes of UTF-8, cut between code points (never inside
 * a surrogate pair or a multi-byte sequence), with "…" at the end when anything was cut.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Bytes(ELLIPSIS);
  if (budget <= 0) return '';
  let used = 0;
  let end = 0;
  for (const codePoint of text) {
    const size = utf8Bytes(codePoint);
    if (used + size > budget) break;
    used += size;
    end += codePoint.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}

/**
 * head + tail in at most maxBytes: the tail (the link, the mentions) is kept whole and the head is
 * cut, so a long reason never pushes the link out of a message.
 */
export function fitUtf8(head: string, tail: string, maxBytes: number): string {
  const whole = tail ? `${head}\n${tail}` : head;
  if (utf8Bytes(whole) <= maxBytes) return whole;
  if (!tail) return truncateUtf8(head, maxBytes);
  const room = maxBytes - utf8Bytes(tail) - 1;
  if (room <= 0) return truncateUtf8(whole, maxBytes);
  return `${truncateUtf8(head, room)}\n${tail}`;
}
